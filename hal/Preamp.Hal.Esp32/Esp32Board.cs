// Board rev A on the ESP32: routes the pins and opens every peripheral the firmware needs.
using System.Device.Gpio;
using System.Device.Spi;
using nanoFramework.Hardware.Esp32;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>Opens rev A's peripherals from <see cref="BoardRevA"/> and hands them over as a <see cref="BoardIo"/>.</summary>
    public static class Esp32Board
    {
        /// <summary>
        /// Routes SPI and UART pins, then opens outputs at their safe levels first (phantom drivers low, ADC held in
        /// reset, zero-crossing on), then inputs, buses, the knob counter, the host port and the flash store.
        /// </summary>
        public static BoardIo Open(GpioController gpio)
        {
            Configuration.SetPinFunction(BoardRevA.Spi1Clock, DeviceFunction.SPI1_CLOCK);
            Configuration.SetPinFunction(BoardRevA.Spi1Mosi, DeviceFunction.SPI1_MOSI);
            Configuration.SetPinFunction(BoardRevA.SpiMiso, DeviceFunction.SPI1_MISO);
            Configuration.SetPinFunction(BoardRevA.Spi2Clock, DeviceFunction.SPI2_CLOCK);
            Configuration.SetPinFunction(BoardRevA.Spi2Mosi, DeviceFunction.SPI2_MOSI);
            Configuration.SetPinFunction(BoardRevA.SpiMiso, DeviceFunction.SPI2_MISO);
            Configuration.SetPinFunction(BoardRevA.HostTx, DeviceFunction.COM2_TX);
            Configuration.SetPinFunction(BoardRevA.HostRx, DeviceFunction.COM2_RX);

            BoardIo io = new BoardIo();
            io.Phantom1 = new Esp32Output(gpio, BoardRevA.Phantom1, false);
            io.Phantom2 = new Esp32Output(gpio, BoardRevA.Phantom2, false);
            io.AdcSyncReset = new Esp32Output(gpio, BoardRevA.AdcSyncReset, false);
            io.ZeroCrossEnable = new Esp32Output(gpio, BoardRevA.PgaZeroCrossEnable, true);

            io.AdcDataReady = new Esp32Input(gpio, BoardRevA.AdcDataReady, false);
            io.Overload1 = new Esp32Input(gpio, BoardRevA.PgaOverload1, false);
            io.Overload2 = new Esp32Input(gpio, BoardRevA.PgaOverload2, false);
            io.EncoderSwitch = new Esp32Input(gpio, BoardRevA.EncoderSwitch, false);
            io.ChannelButton = new Esp32Input(gpio, BoardRevA.ChannelButton, true);
            io.PhantomButton = new Esp32Input(gpio, BoardRevA.PhantomButton, true);

            // Bus 1: the PGA2500 chain is opened first, so its mode 0 and clock set the bus for the LED chain too.
            io.GainSpi = new Esp32SpiChannel(BoardRevA.SpiBusGain, BoardRevA.PgaChipSelect, SpiMode.Mode0, BoardRevA.GainBusClockHz);
            io.LedSpi = new Esp32SpiChannel(BoardRevA.SpiBusGain, BoardRevA.LedLatch, SpiMode.Mode0, BoardRevA.GainBusClockHz);
            io.AdcSpi = new Esp32SpiChannel(BoardRevA.SpiBusAdc, BoardRevA.AdcChipSelect, SpiMode.Mode1, BoardRevA.AdcBusClockHz);

            io.Encoder = new Esp32PulseCounter(BoardRevA.EncoderA, BoardRevA.EncoderB);
            io.Host = new Esp32SerialPort(BoardRevA.HostPort, BoardRevA.HostBaud);
            io.Clock = new Esp32Clock();
            io.Store = new LittleFsFileStore();
            return io;
        }
    }
}
