// Board rev B: every pin, bus and port the firmware uses. hardware/pinmap.md is the same truth (a test compares them).
namespace PreampFirmware.Hal
{
    /// <summary>
    /// Pin map of board rev B (ESP32-S3-WROOM-1 N16R8). GPIO numbers are ESP32-S3 GPIOs. No strapping pin
    /// (0, 3, 45, 46), no pin of the octal PSRAM (35–37), of USB (19, 20) or of UART0 (43, 44) is used.
    /// </summary>
    public static class BoardRevB
    {
        /// <summary>SPI bus of the PGA2500 chain and the LED shift registers (mode 0).</summary>
        public const int SpiBusGain = 1;
        /// <summary>SPI bus of the PCM1863's control port (mode 0).</summary>
        public const int SpiBusAdc = 2;
        /// <summary>I2S controller that receives the PCM1863's samples (nanoFramework I2S1 = ESP32-S3 I2S0).</summary>
        public const int I2sBus = 1;

        /// <summary>Bus 1 clock (FSPICLK IOMUX pin).</summary>
        public const int Spi1Clock = 12;
        /// <summary>Bus 1 MOSI (FSPID).</summary>
        public const int Spi1Mosi = 11;
        /// <summary>Bus 1 MISO (FSPIQ): the PGA2500 chain's SDO.</summary>
        public const int Spi1Miso = 13;
        /// <summary>Bus 2 clock (through the GPIO matrix).</summary>
        public const int Spi2Clock = 14;
        /// <summary>Bus 2 MOSI: PCM1863 MOSI.</summary>
        public const int Spi2Mosi = 21;
        /// <summary>Bus 2 MISO: PCM1863 MISO.</summary>
        public const int Spi2Miso = 47;

        /// <summary>PGA2500 chain chip select.</summary>
        public const int PgaChipSelect = 10;
        /// <summary>74HC595 LED chain latch (RCLK), used as its chip select.</summary>
        public const int LedLatch = 9;
        /// <summary>PCM1863 MS (MD1), its SPI chip select (MD0 is tied high: SPI control).</summary>
        public const int AdcChipSelect = 48;

        /// <summary>I2S bit clock to the PCM1863's BCK (64 per frame; its PLL makes the system clock from it).</summary>
        public const int I2sBitClock = 4;
        /// <summary>I2S word select to the PCM1863's LRCK.</summary>
        public const int I2sWordSelect = 5;
        /// <summary>I2S data in from the PCM1863's DOUT.</summary>
        public const int I2sDataIn = 6;

        /// <summary>PGA2500 ZCEN, both chips: high = gain changes wait for a zero crossing.</summary>
        public const int PgaZeroCrossEnable = 7;
        /// <summary>PGA2500 OVR of channel 1, active high.</summary>
        public const int PgaOverload1 = 15;
        /// <summary>PGA2500 OVR of channel 2, active high.</summary>
        public const int PgaOverload2 = 16;

        /// <summary>+48 V relay driver of channel 1 (the driver's pull-down holds it off while the ESP32 is in reset).</summary>
        public const int Phantom1 = 17;
        /// <summary>+48 V relay driver of channel 2.</summary>
        public const int Phantom2 = 18;

        /// <summary>Encoder phase A (PCNT).</summary>
        public const int EncoderA = 1;
        /// <summary>Encoder phase B (PCNT).</summary>
        public const int EncoderB = 2;
        /// <summary>Encoder push switch, active low, internal pull-up.</summary>
        public const int EncoderSwitch = 38;
        /// <summary>CHANNEL button, active low, internal pull-up.</summary>
        public const int ChannelButton = 39;
        /// <summary>48V button, active low, internal pull-up.</summary>
        public const int PhantomButton = 40;

        /// <summary>Host UART: nanoFramework COM2 (UART1; COM1 may belong to the debugger).</summary>
        public const string HostPort = "COM2";
        /// <summary>COM2 TX to the CH343P's RXD.</summary>
        public const int HostTx = 41;
        /// <summary>COM2 RX from the CH343P's TXD.</summary>
        public const int HostRx = 42;
        /// <summary>Host baud rate: the ESP32-S3 UART divides 80 MHz by 20 exactly, the CH343P takes up to 6 Mbaud, and .NET's SerialPort on Linux takes 4 000 000.</summary>
        public const int HostBaud = 4000000;

        /// <summary>Bus 1 clock in Hz (PGA2500 and 74HC595).</summary>
        public const int GainBusClockHz = 1000000;
        /// <summary>Bus 2 clock in Hz (PCM1863 control port; its maximum is in SLAS831D §7.10, [verify] before raising it).</summary>
        public const int AdcBusClockHz = 1000000;
    }
}
