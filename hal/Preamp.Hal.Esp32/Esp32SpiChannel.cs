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
        private readonly int _busId;
        private readonly int _chipSelect;
        private readonly int _clockHz;
        private SpiDevice _device;
        private int _mode;

        /// <summary>Opens the device at <paramref name="chipSelect"/> on bus <paramref name="busId"/>.</summary>
        public Esp32SpiChannel(int busId, int chipSelect, SpiMode mode, int clockHz)
        {
            _busId = busId;
            _chipSelect = chipSelect;
            _clockHz = clockHz;
            _mode = (int)mode;
            _device = Open();
        }

        /// <inheritdoc />
        public int Mode { get { return _mode; } }

        /// <inheritdoc />
        /// <remarks>
        /// The PCM1863 is alone on its bus: disposing its device leaves the bus without devices, so the next open sets the
        /// bus's mode again (with another device on the bus the ESP32 would keep the first device's mode).
        /// </remarks>
        public void Reopen(int mode)
        {
            _device.Dispose();
            _mode = mode;
            _device = Open();
        }

        private SpiDevice Open()
        {
            SpiConnectionSettings settings = new SpiConnectionSettings(_busId, _chipSelect);
            settings.Mode = _mode == 1 ? SpiMode.Mode1 : SpiMode.Mode0;
            settings.ClockFrequency = _clockHz;
            settings.DataFlow = DataFlow.MsbFirst;
            settings.Configuration = SpiBusConfiguration.FullDuplex;
            // Opening performs a 2-byte dummy exchange with CS asserted (hardware/bringup.md, "The SPI open glitch"): to
            // the PCM1863 00 00 selects page 0 in every framing; the PGA2500 chain latches it (chip 2 takes chip 1's old
            // word) and so does the LED chain, which is why the app writes both chains' safe words right after opening.
            return SpiDevice.Create(settings);
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
