// Everything the firmware is given to work the board: one object per wire, bus device, counter, link and store.
namespace PreampFirmware.Hal
{
    /// <summary>
    /// The board's I/O as the firmware sees it. The ESP32 app fills it from board rev B's pin map;
    /// the simulator fills it with its simulated parts.
    /// </summary>
    public sealed class BoardIo
    {
        /// <summary>PGA2500 chain (SPI bus 1, mode 0).</summary>
        public ISpiChannel GainSpi;
        /// <summary>74HC595 LED chain (SPI bus 1, its own latch/CS).</summary>
        public ISpiChannel LedSpi;
        /// <summary>PCM1863 control port (SPI bus 2, mode 0).</summary>
        public ISpiChannel AdcSpi;

        /// <summary>PCM1863 samples (I2S, the ESP32 master, DMA).</summary>
        public IAudioInput Audio;
        /// <summary>Native CRC-32 for stream blocks.</summary>
        public ICrc32 Crc;

        /// <summary>PGA2500 ZCEN.</summary>
        public IDigitalOutput ZeroCrossEnable;
        /// <summary>PGA2500 OVR, channel 1.</summary>
        public IDigitalInput Overload1;
        /// <summary>PGA2500 OVR, channel 2.</summary>
        public IDigitalInput Overload2;

        /// <summary>+48 V relay driver, channel 1.</summary>
        public IDigitalOutput Phantom1;
        /// <summary>+48 V relay driver, channel 2.</summary>
        public IDigitalOutput Phantom2;

        /// <summary>Gain knob counter.</summary>
        public IPulseCounter Encoder;
        /// <summary>Knob push switch (active low).</summary>
        public IDigitalInput EncoderSwitch;
        /// <summary>CHANNEL button (active low).</summary>
        public IDigitalInput ChannelButton;
        /// <summary>48V button (active low).</summary>
        public IDigitalInput PhantomButton;

        /// <summary>Host link.</summary>
        public ISerialPort Host;
        /// <summary>Monotonic clock.</summary>
        public IMicrosecondClock Clock;
        /// <summary>Calibration, presets and last state.</summary>
        public IFileStore Store;
    }
}
