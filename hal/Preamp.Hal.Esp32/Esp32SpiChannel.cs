// ISpiChannel over nanoFramework's SpiDevice: one device per chip select, the driver toggling CS around each call.
using System;
using System.Device.Spi;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>
    /// A chip on an ESP32 SPI bus. nanoFramework asserts the chip select around each call, so one
    /// <see cref="Transfer"/> is one CS frame. On the ESP32 only the first device opened on a bus sets the bus's
    /// mode and clock: the board keeps parts with equal settings on each bus.
    /// </summary>
    public sealed class Esp32SpiChannel : ISpiChannel
    {
        private readonly SpiDevice _device;

        /// <summary>Opens the device at <paramref name="chipSelect"/> on bus <paramref name="busId"/>.</summary>
        public Esp32SpiChannel(int busId, int chipSelect, SpiMode mode, int clockHz)
        {
            SpiConnectionSettings settings = new SpiConnectionSettings(busId, chipSelect);
            settings.Mode = mode;
            settings.ClockFrequency = clockHz;
            settings.DataFlow = DataFlow.MsbFirst;
            settings.Configuration = SpiBusConfiguration.FullDuplex;
            // Opening performs a 2-byte dummy exchange with CS asserted: 00 00 is "write 00h to register 00h" (select
            // page 0) to the PCM1863, harmless, and shifts zeros into the PGA2500 chain, which the boot sequence
            // overwrites before it relies on the gain.
            _device = SpiDevice.Create(settings);
        }

        /// <inheritdoc />
        public void Transfer(byte[] tx, int txOffset, byte[] rx, int rxOffset, int count)
        {
            if (rx == null)
            {
                _device.Write(new SpanByte(tx, txOffset, count));
                return;
            }
            _device.TransferFullDuplex(new SpanByte(tx, txOffset, count), new SpanByte(rx, rxOffset, count));
        }
    }
}
