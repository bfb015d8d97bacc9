// Driver for the TI PCM1863 two-channel 24-bit audio ADC: control over SPI, samples over I2S (BCK-PLL slave).
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /*
     * Control port — PCM1863 datasheet (TI SLAS831D), "SPI Interface" and "Register Read and Write Operation":
     * MD0 tied high selects SPI; MD1 is MS, the chip select (active low). One access is one 16-bit word with MS low for
     * the word and high at least once between words, MSB first. Drawn in the framing the driver documents (SPI mode 0,
     * R/W in B8 as the NOTE under Figure 47 has it):
     *
     *   MS    ‾‾\_______________________________________________/‾‾
     *   MC       _|‾|_|‾|_ ... 16 clocks ... _|‾|_
     *   MOSI     [ A6 A5 A4 A3 A2 A1 A0 R/W ][ D7 … D0 (write) ]     R/W: 0 write, 1 read
     *   MISO     [ don't care               ][ D7 … D0 (read)  ]     data follows the 8th MC clock
     *
     * The datasheet states neither the sampling edge (it says MC shifts data on its falling edge) nor, consistently, where
     * R/W sits: bring-up finds which of the four framings the part answers in, remembers it and reports it
     * (<see cref="Pcm1863Port"/>, whose comment says what each attempt could write and why that is safe).
     *
     * Registers live in pages; register 00h of every page selects the page, writing FEh to it resets the registers.
     * Everything the firmware needs is on page 0. Samples leave on DOUT in I2S format, 24 bits in 32-bit slots,
     * 64 BCK per frame; the ESP32-S3 is the I2S master and the PCM1863's PLL makes its system clock from BCK.
     */

    /// <summary>Page-0 registers of the PCM186x family (SLAS831D "Register Map Description", addresses as in Linux's pcm186x.h).</summary>
    public static class Pcm1863Reg
    {
        /// <summary>00h PAGE: page select; writing <see cref="ResetCommand"/> resets every register.</summary>
        public const int Page = 0x00;
        /// <summary>01h PGA_VAL_CH1_L: gain of ADC1L, two's complement, 0.5 dB per LSB (E8h −12 dB … 50h +40 dB). Reset 00h (0 dB).</summary>
        public const int PgaLeft = 0x01;
        /// <summary>02h PGA_VAL_CH1_R: the same for ADC1R. Reset 00h.</summary>
        public const int PgaRight = 0x02;
        /// <summary>06h ADC1_INPUT_SEL_L: b7 POL, b6 reserved (1), b5–0 input: 01h VINL1 single-ended (reset 41h), 10h {VIN1P, VIN1M} differential.</summary>
        public const int InputLeft = 0x06;
        /// <summary>07h ADC1_INPUT_SEL_R: as 06h; 10h = {VIN2P, VIN2M} differential. Reset 41h.</summary>
        public const int InputRight = 0x07;
        /// <summary>0Bh PCM_CFG: b7–6 RX_WLEN, b3–2 TX_WLEN (01 = 24 bit), b1–0 FMT (00 = I2S). Reset 44h.</summary>
        public const int Format = 0x0B;
        /// <summary>20h CLK_CTRL: b4 MST_MODE (0 = slave), b0 CLKDET_EN (1 = clocks detected and configured automatically). Reset 01h.</summary>
        public const int ClockControl = 0x20;
        /// <summary>70h POWER_CTRL: b7–3 reserved (01110b), b2 PWRDN, b1 SLEEP, b0 STBY; 70h = running. Reset 70h.</summary>
        public const int Power = 0x70;
        /// <summary>71h DSP_CTRL: b5 FLT (0 = classic FIR), b4 HPF_EN (DC high-pass), b3–0 mute CH2_R, CH2_L, CH1_R, CH1_L. Reset 10h.</summary>
        public const int DspControl = 0x71;
        /// <summary>72h DEVICE_STATUS, read-only: b3–0 state (0Fh = run, 01h = waiting for stable clocks, 00h = power-down).</summary>
        public const int DeviceStatus = 0x72;
        /// <summary>73h FSAMPLE_STATUS, read-only: b2–0 rate class (2 = 16 kHz, 3 = 32–48 kHz, 4 = 88.2–96 kHz, 0 = LRCK halted).</summary>
        public const int RateStatus = 0x73;
        /// <summary>74h DIV_STATUS, read-only: b6–4 BCK/LRCK ratio (3 = 64), b2–0 SCK ratio.</summary>
        public const int RatioStatus = 0x74;
        /// <summary>75h CLK_STATUS, read-only: b6 LRCK halted, b5 BCK halted, b4 SCK halted, b2 LRCK error, b1 BCK error, b0 SCK error.</summary>
        public const int ClockStatus = 0x75;
        /// <summary>78h SUPPLY_STATUS, read-only: b2 DVDD, b1 AVDD, b0 LDO, 1 = good.</summary>
        public const int SupplyStatus = 0x78;

        /// <summary>Value written to <see cref="Page"/> to reset the registers.</summary>
        public const byte ResetCommand = 0xFE;
        /// <summary>0Bh after reset and as configured: RX 24 bit, TX 24 bit, I2S.</summary>
        public const byte FormatI2s24 = 0x44;
        /// <summary>06h/07h: reserved bit 6 kept, differential pair 1 (left) or 2 (right).</summary>
        public const byte InputDifferential = 0x50;
        /// <summary>06h/07h after reset.</summary>
        public const byte InputReset = 0x41;
        /// <summary>20h: slave, automatic clock detection (the PLL runs from BCK, no MCLK on rev B).</summary>
        public const byte ClockSlaveAuto = 0x01;
        /// <summary>70h: analog and digital parts running.</summary>
        public const byte PowerRun = 0x70;
        /// <summary>71h: classic FIR decimation filter, DC high-pass on, nothing muted.</summary>
        public const byte DspHighPass = 0x10;
        /// <summary>71h mute bit of ADC1L (input 1).</summary>
        public const byte MuteLeft = 0x01;
        /// <summary>71h mute bit of ADC1R (input 2).</summary>
        public const byte MuteRight = 0x02;
        /// <summary>72h state: running.</summary>
        public const int StateRun = 0x0F;
        /// <summary>74h b6–4: 64 BCK per LRCK.</summary>
        public const int BckRatio64 = 3;
        /// <summary>75h bits that say BCK or LRCK is halted or wrong (SCK is not used in BCK-PLL mode, so its bits are ignored).</summary>
        public const int ClockFaultMask = 0x66;
        /// <summary>75h b6 LRCK halted, b5 BCK halted.</summary>
        public const int ClockHaltMask = 0x60;
        /// <summary>75h b2 LRCK error, b1 BCK error.</summary>
        public const int ClockErrorMask = 0x06;
        /// <summary>78h with every supply good.</summary>
        public const int SuppliesGood = 0x07;
    }

    /// <summary>
    /// PCM1863 driver. Bring-up resets the part, configures it (I2S slave, BCK-PLL, 24 bit, differential inputs,
    /// PGA 0 dB, DC high-pass) and reads every write back; once the ESP32 clocks run, <see cref="CheckClocks"/> reads
    /// the status registers. Samples never pass through this class: they arrive by I2S DMA.
    /// </summary>
    public sealed class Pcm1863
    {
        /// <summary>Bytes per control word.</summary>
        public const int WordBytes = 2;
        /// <summary>Wait after the software reset before the next access, µs ([verify] SLAS831D "Reset"; 1 ms is generous).</summary>
        public const int ResetRecoveryMicroseconds = 1000;
        /// <summary>Longest wait for the PLL to lock and the part to run after its clocks start, µs ([verify] on the bench).</summary>
        public const int RunTimeoutMicroseconds = 100000;
        /// <summary>Poll interval while waiting for the run state, µs.</summary>
        public const int RunPollMicroseconds = 1000;

        /// <summary>No error.</summary>
        public const int Ok = 0;
        /// <summary>A register read back differently from what was written (or its reset value).</summary>
        public const int ErrorReadBack = 1;
        /// <summary>A status register says the part does not run as configured.</summary>
        public const int ErrorStatus = 2;
        /// <summary>A sample rate the part cannot take in BCK-PLL mode.</summary>
        public const int ErrorRate = 3;

        private static readonly int[] s_rates = { 16000, 32000, 44100, 48000, 88200, 96000 };

        private readonly Pcm1863Port _port;
        private readonly IMicrosecondClock _clock;
        private string _lastError;
        private bool _configured;
        private int _mute;

        /// <summary>Creates the driver; nothing is sent until <see cref="Initialize"/>.</summary>
        public Pcm1863(ISpiChannel spi, IMicrosecondClock clock)
        {
            _port = new Pcm1863Port(spi);
            _clock = clock;
        }

        /// <summary>The control port: the framing in use and the search for it.</summary>
        public Pcm1863Port Port { get { return _port; } }

        /// <summary>What the last failing call found, for the error queue.</summary>
        public string LastError { get { return _lastError; } }

        /// <summary>True after a verified <see cref="Initialize"/>.</summary>
        public bool IsConfigured { get { return _configured; } }

        /// <summary>
        /// The first byte of a control word in the documented framing: address in bits 7–1, R/W in bit 0 (SLAS831D Figure 47
        /// NOTE). The framing in use may be another one (<see cref="Pcm1863Port"/>).
        /// </summary>
        public static byte AddressByte(int address, bool read)
        {
            return Pcm1863Port.AddressByte(address, read, Pcm1863Port.Documented);
        }

        /// <summary>Builds the word that writes <paramref name="value"/> to <paramref name="address"/>.</summary>
        public static void EncodeWrite(int address, int value, byte[] word)
        {
            word[0] = AddressByte(address, false);
            word[1] = (byte)value;
        }

        /// <summary>Builds the word that reads <paramref name="address"/> (its data byte is clocked out as zero).</summary>
        public static void EncodeRead(int address, byte[] word)
        {
            word[0] = AddressByte(address, true);
            word[1] = 0;
        }

        /// <summary>True for the rates the part takes as a BCK-PLL slave at 64 BCK per frame (SLAS831D Table 11).</summary>
        public static bool IsSupportedRate(int samplesPerSecond)
        {
            return RateClass(samplesPerSecond) > 0;
        }

        /// <summary>The rates <see cref="IsSupportedRate"/> accepts, ascending.</summary>
        public static int[] SupportedRates()
        {
            int[] copy = new int[s_rates.Length];
            for (int i = 0; i < s_rates.Length; i++) copy[i] = s_rates[i];
            return copy;
        }

        /// <summary>The FSAMPLE_STATUS class the part reports at a rate (0 for a rate it does not take).</summary>
        public static int RateClass(int samplesPerSecond)
        {
            switch (samplesPerSecond)
            {
                case 16000: return 2;
                case 32000:
                case 44100:
                case 48000: return 3;
                case 88200:
                case 96000: return 4;
                default: return 0;
            }
        }

        /// <summary>71h with the mute bits of <paramref name="muteBits"/> (b0 input 1, b1 input 2).</summary>
        public static byte DspWord(int muteBits)
        {
            return (byte)(Pcm1863Reg.DspHighPass | (muteBits & (Pcm1863Reg.MuteLeft | Pcm1863Reg.MuteRight)));
        }

        /// <summary>Writes one register (one word, one chip-select frame).</summary>
        public void Write(int address, int value)
        {
            _port.Write(address, value);
        }

        /// <summary>Reads one register.</summary>
        public int Read(int address)
        {
            return _port.Read(address);
        }

        /// <summary>
        /// Finds the control port's framing, resets the part, proves the reset by a reset value, then configures and
        /// verifies every register the board depends on. Inputs <paramref name="muteBits"/> (b0 input 1, b1 input 2) start muted. Returns
        /// <see cref="Ok"/> or an error code, with <see cref="LastError"/> saying what happened.
        /// </summary>
        public int Initialize(int muteBits)
        {
            _configured = false;
            if (!_port.Find())
            {
                string attempts = _port.Attempts;
                return Fail(ErrorReadBack, "PCM1863 does not answer in any control-port framing (SPI mode 0 or 1, R/W in the LSB or MSB of the address byte): " +
                                           attempts + AttemptsHint(attempts));
            }
            Write(Pcm1863Reg.Page, 0);
            Write(Pcm1863Reg.Page, Pcm1863Reg.ResetCommand);
            _clock.Wait(ResetRecoveryMicroseconds);
            Write(Pcm1863Reg.Page, 0);
            int format = Read(Pcm1863Reg.Format);
            if (format != Pcm1863Reg.FormatI2s24)
            {
                return Fail(ErrorReadBack, "PCM1863 does not answer: PCM_CFG (0Bh) read 0x" + Hex(format) + " after reset, expected its reset value 0x44" +
                                           StuckHint(format));
            }
            int result = WriteVerified(Pcm1863Reg.PgaLeft, 0);
            if (result == Ok) result = WriteVerified(Pcm1863Reg.PgaRight, 0);
            if (result == Ok) result = WriteVerified(Pcm1863Reg.InputLeft, Pcm1863Reg.InputDifferential);
            if (result == Ok) result = WriteVerified(Pcm1863Reg.InputRight, Pcm1863Reg.InputDifferential);
            if (result == Ok) result = WriteVerified(Pcm1863Reg.Format, Pcm1863Reg.FormatI2s24);
            if (result == Ok) result = WriteVerified(Pcm1863Reg.ClockControl, Pcm1863Reg.ClockSlaveAuto);
            if (result == Ok) result = WriteVerified(Pcm1863Reg.DspControl, DspWord(muteBits));
            if (result == Ok) result = WriteVerified(Pcm1863Reg.Power, Pcm1863Reg.PowerRun);
            if (result != Ok)
            {
                return result;
            }
            _mute = muteBits;
            _configured = true;
            return Ok;
        }

        /// <summary>The mute bits in force (b0 input 1, b1 input 2).</summary>
        public int MuteBits { get { return _mute; } }

        /// <summary>Mutes or unmutes the converter's channels (b0 input 1, b1 input 2); the write is read back.</summary>
        public int SetMute(int muteBits)
        {
            if (muteBits == _mute && _configured)
            {
                return Ok;
            }
            int result = WriteVerified(Pcm1863Reg.DspControl, DspWord(muteBits));
            if (result == Ok)
            {
                _mute = muteBits;
            }
            return result;
        }

        /// <summary>
        /// After the ESP32 starts the clocks at <paramref name="samplesPerSecond"/>: waits for the run state, then checks
        /// the rate class, the BCK ratio, the clock-error bits and the supplies.
        /// </summary>
        public int WaitUntilRunning(int samplesPerSecond)
        {
            long waited = 0;
            while ((Read(Pcm1863Reg.DeviceStatus) & 0x0F) != Pcm1863Reg.StateRun && waited < RunTimeoutMicroseconds)
            {
                _clock.Wait(RunPollMicroseconds);
                waited += RunPollMicroseconds;
            }
            return CheckClocks(samplesPerSecond);
        }

        /// <summary>
        /// Reads the status registers (no write: safe while recording) and checks that the part runs at
        /// <paramref name="samplesPerSecond"/> with 64 BCK per frame, no clock halted or in error, supplies good.
        /// </summary>
        public int CheckClocks(int samplesPerSecond)
        {
            int state = Read(Pcm1863Reg.DeviceStatus) & 0x0F;
            int rate = Read(Pcm1863Reg.RateStatus) & 0x07;
            int ratio = (Read(Pcm1863Reg.RatioStatus) >> 4) & 0x07;
            int clocks = Read(Pcm1863Reg.ClockStatus);
            int supplies = Read(Pcm1863Reg.SupplyStatus) & 0x07;
            if (state == Pcm1863Reg.StateRun && rate == RateClass(samplesPerSecond) && ratio == Pcm1863Reg.BckRatio64 &&
                (clocks & Pcm1863Reg.ClockFaultMask) == 0 && supplies == Pcm1863Reg.SuppliesGood)
            {
                return Ok;
            }
            string hint = "";
            if (supplies == 0 && clocks == 0 && state == 0) hint = " (MISO stuck low?)";
            else if (clocks == 0xFF && state == 0x0F && rate == 7 && supplies == 7) hint = " (MISO stuck high?)";
            return Fail(ErrorStatus, "PCM1863 is not running as configured: DEVICE_STATUS 0x" + Hex(state) + " (0x0F = run), FSAMPLE_STATUS " +
                                     rate.ToString() + " (expected " + RateClass(samplesPerSecond).ToString() + " for " + samplesPerSecond.ToString() +
                                     " S/s), BCK ratio code " + ratio.ToString() + " (3 = 64), CLK_STATUS 0x" + Hex(clocks) + ", SUPPLY_STATUS 0x" + Hex(supplies) + hint);
        }

        /// <summary>
        /// Reads back every register <see cref="Initialize"/> set (no write) and compares it with what the driver holds.
        /// </summary>
        public int VerifyConfiguration()
        {
            int[] addresses = { Pcm1863Reg.PgaLeft, Pcm1863Reg.PgaRight, Pcm1863Reg.InputLeft, Pcm1863Reg.InputRight, Pcm1863Reg.Format,
                                Pcm1863Reg.ClockControl, Pcm1863Reg.DspControl, Pcm1863Reg.Power };
            int[] expected = { 0, 0, Pcm1863Reg.InputDifferential, Pcm1863Reg.InputDifferential, Pcm1863Reg.FormatI2s24,
                               Pcm1863Reg.ClockSlaveAuto, DspWord(_mute), Pcm1863Reg.PowerRun };
            for (int i = 0; i < addresses.Length; i++)
            {
                int got = Read(addresses[i]);
                if (got != expected[i])
                {
                    return Fail(ErrorReadBack, "PCM1863 " + RegisterName(addresses[i]) + " reads 0x" + Hex(got) + ", configured 0x" + Hex(expected[i]) + StuckHint(got));
                }
            }
            return Ok;
        }

        /// <summary>Forgets the configuration (the part lost power or is being reset).</summary>
        public void MarkUnconfigured()
        {
            _configured = false;
        }

        private int WriteVerified(int address, int value)
        {
            Write(address, value);
            int got = Read(address);
            if (got != (value & 0xFF))
            {
                return Fail(ErrorReadBack, "PCM1863 " + RegisterName(address) + " wrote 0x" + Hex(value) + ", read back 0x" + Hex(got) + StuckHint(got));
            }
            return Ok;
        }

        private int Fail(int code, string message)
        {
            _lastError = message;
            return code;
        }

        private static string StuckHint(int value)
        {
            if (value == 0xFF) return " (MISO stuck high or the part unpowered?)";
            if (value == 0x00) return " (MISO stuck low?)";
            return "";
        }

        private static string AttemptsHint(string attempts)
        {
            if (attempts.IndexOf("0xFF") >= 0 && attempts.IndexOf("0x00") < 0) return " (MISO stuck high or the part unpowered?)";
            if (attempts.IndexOf("0x00") >= 0 && attempts.IndexOf("0xFF") < 0) return " (MISO stuck low?)";
            return "";
        }

        private static string Hex(int value)
        {
            return (value & 0xFF).ToString("X2");
        }

        /// <summary>The datasheet's name of a page-0 register.</summary>
        public static string RegisterName(int address)
        {
            switch (address)
            {
                case Pcm1863Reg.Page: return "PAGE (00h)";
                case Pcm1863Reg.PgaLeft: return "PGA_VAL_CH1_L (01h)";
                case Pcm1863Reg.PgaRight: return "PGA_VAL_CH1_R (02h)";
                case Pcm1863Reg.InputLeft: return "ADC1_INPUT_SEL_L (06h)";
                case Pcm1863Reg.InputRight: return "ADC1_INPUT_SEL_R (07h)";
                case Pcm1863Reg.Format: return "PCM_CFG (0Bh)";
                case Pcm1863Reg.ClockControl: return "CLK_CTRL (20h)";
                case Pcm1863Reg.Power: return "POWER_CTRL (70h)";
                case Pcm1863Reg.DspControl: return "DSP_CTRL (71h)";
                default: return "register " + Hex(address) + "h";
            }
        }
    }
}
