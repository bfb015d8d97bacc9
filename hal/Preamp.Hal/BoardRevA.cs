// Board rev A: every pin, bus and port the firmware uses. hardware/pinmap.md is the same truth (a test compares them).
namespace PreampFirmware.Hal
{
    /// <summary>
    /// Pin map of board rev A (ESP32-WROVER-E). GPIO numbers are ESP32 GPIOs. Strapping pins are used only
    /// where their boot level matches the signal's idle level (see hardware/pinmap.md).
    /// </summary>
    public static class BoardRevA
    {
        /// <summary>SPI bus of the PGA2500 chain and the LED shift registers (mode 0).</summary>
        public const int SpiBusGain = 1;
        /// <summary>SPI bus of the ADS131M02 (mode 1).</summary>
        public const int SpiBusAdc = 2;

        /// <summary>Bus 1 clock.</summary>
        public const int Spi1Clock = 14;
        /// <summary>Bus 1 MOSI.</summary>
        public const int Spi1Mosi = 13;
        /// <summary>Bus 2 clock.</summary>
        public const int Spi2Clock = 18;
        /// <summary>Bus 2 MOSI.</summary>
        public const int Spi2Mosi = 23;
        /// <summary>Shared MISO line: ADS131M02 DOUT and the PGA2500 chain's SDO, both Hi-Z while their CS is high; routed to both buses.</summary>
        public const int SpiMiso = 19;

        /// <summary>PGA2500 chain chip select (strapping pin MTDO, idles high).</summary>
        public const int PgaChipSelect = 15;
        /// <summary>74HC595 LED chain latch (RCLK), used as its chip select.</summary>
        public const int LedLatch = 4;
        /// <summary>ADS131M02 chip select (strapping pin, idles high).</summary>
        public const int AdcChipSelect = 5;

        /// <summary>ADS131M02 /DRDY, active low (input-only pin, external pull-up).</summary>
        public const int AdcDataReady = 34;
        /// <summary>ADS131M02 /SYNC/RESET, active low.</summary>
        public const int AdcSyncReset = 22;

        /// <summary>PGA2500 ZCEN, both chips: high = gain changes wait for a zero crossing.</summary>
        public const int PgaZeroCrossEnable = 21;
        /// <summary>PGA2500 OVR of channel 1, active high (input-only pin).</summary>
        public const int PgaOverload1 = 35;
        /// <summary>PGA2500 OVR of channel 2, active high (input-only pin).</summary>
        public const int PgaOverload2 = 36;

        /// <summary>+48 V relay driver of channel 1 (strapping pin MTDI: low at boot, the driver's pull-down keeps it low).</summary>
        public const int Phantom1 = 12;
        /// <summary>+48 V relay driver of channel 2 (strapping pin, low at boot).</summary>
        public const int Phantom2 = 2;

        /// <summary>Encoder phase A (PCNT).</summary>
        public const int EncoderA = 32;
        /// <summary>Encoder phase B (PCNT).</summary>
        public const int EncoderB = 33;
        /// <summary>Encoder push switch, active low (input-only pin, external pull-up).</summary>
        public const int EncoderSwitch = 39;
        /// <summary>CHANNEL button, active low (GPIO0 has its own pull-up; held at reset it enters the ROM loader).</summary>
        public const int ChannelButton = 0;
        /// <summary>48V button, active low.</summary>
        public const int PhantomButton = 27;

        /// <summary>Host UART: nanoFramework COM2 (COM1 belongs to the debugger).</summary>
        public const string HostPort = "COM2";
        /// <summary>COM2 TX.</summary>
        public const int HostTx = 25;
        /// <summary>COM2 RX.</summary>
        public const int HostRx = 26;
        /// <summary>Default host baud rate.</summary>
        public const int HostBaud = 921600;

        /// <summary>Bus 1 clock in Hz (PGA2500 and 74HC595; nanoFramework applies the first device's settings to the whole bus).</summary>
        public const int GainBusClockHz = 1000000;
        /// <summary>Bus 2 clock in Hz (ADS131M02, at most 25 MHz; 10 MHz on the IOMUX pins).</summary>
        public const int AdcBusClockHz = 10000000;
        /// <summary>ADS131M02 CLKIN in Hz (crystal oscillator on the board).</summary>
        public const int AdcClockInHz = 8192000;
    }
}
