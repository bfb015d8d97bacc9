// Board rev B on the ESP32-S3: routes the pins and opens every peripheral the firmware needs.
using System.Device.Gpio;
using System.Device.Spi;
using nanoFramework.Hardware.Esp32;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>Opens rev B's peripherals from <see cref="BoardRevB"/> and hands them over as a <see cref="BoardIo"/>.</summary>
    public static class Esp32Board
    {
        /// <summary>
        /// Routes SPI, UART and I2S pins (COM2 defaults to GPIO0 if not routed), then opens outputs at their safe
        /// levels first (phantom drivers low, zero-crossing on), then inputs, the audio input, the knob counter, the host
        /// port, the flash store, and the SPI buses last (the caller writes the chains' safe words next).
        /// </summary>
        public static BoardIo Open(GpioController gpio)
        {
            Configuration.SetPinFunction(BoardRevB.Spi1Clock, DeviceFunction.SPI1_CLOCK);
            Configuration.SetPinFunction(BoardRevB.Spi1Mosi, DeviceFunction.SPI1_MOSI);
            Configuration.SetPinFunction(BoardRevB.Spi1Miso, DeviceFunction.SPI1_MISO);
            Configuration.SetPinFunction(BoardRevB.Spi2Clock, DeviceFunction.SPI2_CLOCK);
            Configuration.SetPinFunction(BoardRevB.Spi2Mosi, DeviceFunction.SPI2_MOSI);
            Configuration.SetPinFunction(BoardRevB.Spi2Miso, DeviceFunction.SPI2_MISO);
            Configuration.SetPinFunction(BoardRevB.HostTx, DeviceFunction.COM2_TX);
            Configuration.SetPinFunction(BoardRevB.HostRx, DeviceFunction.COM2_RX);

            BoardIo io = new BoardIo();
            io.Phantom1 = new Esp32Output(gpio, BoardRevB.Phantom1, false);
            io.Phantom2 = new Esp32Output(gpio, BoardRevB.Phantom2, false);
            io.ZeroCrossEnable = new Esp32Output(gpio, BoardRevB.PgaZeroCrossEnable, true);

            io.Overload1 = new Esp32Input(gpio, BoardRevB.PgaOverload1, false);
            io.Overload2 = new Esp32Input(gpio, BoardRevB.PgaOverload2, false);
            io.EncoderSwitch = new Esp32Input(gpio, BoardRevB.EncoderSwitch, true);
            io.ChannelButton = new Esp32Input(gpio, BoardRevB.ChannelButton, true);
            io.PhantomButton = new Esp32Input(gpio, BoardRevB.PhantomButton, true);

            io.Audio = new Esp32AudioInput(BoardRevB.I2sBus, BoardRevB.I2sBitClock, BoardRevB.I2sWordSelect, BoardRevB.I2sDataIn);
            io.Crc = new Esp32Crc32();

            io.Encoder = new Esp32PulseCounter(BoardRevB.EncoderA, BoardRevB.EncoderB);
            io.Host = new Esp32SerialPort(BoardRevB.HostPort, BoardRevB.HostBaud);
            io.Clock = new Esp32Clock();
            io.Store = new LittleFsFileStore();

            // The buses last: opening a device clocks two bytes with its CS asserted, which the PGA2500 and LED chains latch
            // (hardware/bringup.md, "The SPI open glitch"). Opened last, nothing slow stands between the glitch and the
            // safe words the firmware writes first thing (the Preamp constructor, called next).
            // Bus 1: the PGA2500 chain is opened first, so its mode 0 and clock set the bus for the LED chain too.
            io.GainSpi = new Esp32SpiChannel(BoardRevB.SpiBusGain, BoardRevB.PgaChipSelect, SpiMode.Mode0, BoardRevB.GainBusClockHz);
            io.LedSpi = new Esp32SpiChannel(BoardRevB.SpiBusGain, BoardRevB.LedLatch, SpiMode.Mode0, BoardRevB.GainBusClockHz);
            // Bus 2: the PCM1863 alone, opened in mode 0; bring-up reopens it in mode 1 if the part answers only there.
            io.AdcSpi = new Esp32SpiChannel(BoardRevB.SpiBusAdc, BoardRevB.AdcChipSelect, SpiMode.Mode0, BoardRevB.AdcBusClockHz);
            return io;
        }
    }
}
