// Driver for two TI PGA2500 digitally controlled microphone preamplifiers, daisy-chained on one chip select.
using System;
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /*
     * Wire frame — PGA2500 datasheet (TI SBOS289), "Serial Port Operation", p.9:
     * SPI mode 0 (SDI sampled on SCLK rising, SDO changes on falling), MSB first, 16 bits per chip,
     * the word is latched into the gain/GPO registers on the rising edge of CS. SDO is Hi-Z while CS is high.
     *
     *   CS    ‾‾\_____________________________________________________________/‾‾‾  <- latch both chips
     *   SCLK      _|‾|_|‾|_ ... 32 clocks ... _|‾|_
     *   MOSI      [ ch2 word b15 .. b0      ][ ch1 word b15 .. b0      ]
     *   MISO      [ ch2 word of last frame  ][ ch1 word of last frame  ]   (chain SDO, 32-bit delay)
     *
     *   MOSI -> SDI(PGA ch1) SDO -> SDI(PGA ch2) SDO -> MISO
     *   After 32 clocks chip ch1 holds the *last* 16 bits and chip ch2 the first 16: channel 2's word goes first.
     *
     * The 0dB pin is tied low and DCEN low on rev A, so the serial word alone sets gain and DC servo.
     * ZCEN (pin 9, both chips) comes from a GPIO: high = a new gain waits for a zero crossing, at most ~16 ms.
     * OVR (pin 5) of each chip goes to a GPIO input, active high.
     */

    /// <summary>Register map of the PGA2500 16-bit control word (SBOS289 p.9, Figure 2 and the serial-word table).</summary>
    public static class Pga2500Word
    {
        // Bit | 15 | 14 | 13 | 12 | 11 | 10 |  9 |  8 | 7 | 6 | 5..0
        // Name| DC | CM |  0 | OL | D4 | D3 | D2 | D1 | 0 | 0 | G5..G0
        //  DC  0 = DC servo enabled (active low; the servo also needs the DCEN pin low)
        //  CM  1 = common-mode servo enabled (for floating sources)
        //  OL  overload (OVR pin) threshold: 0 = 5.1 Vrms differential, 1 = 4.0 Vrms
        //  D4..D1  GPO4..GPO1 pin levels
        //  G   gain code N: 0 = 0 dB, 1..56 = (9 + N) dB, 57..63 = 65 dB

        /// <summary>Bit 15, active low: set disables the DC servo.</summary>
        public const ushort DcServoDisable = 0x8000;
        /// <summary>Bit 14: common-mode servo enable.</summary>
        public const ushort CommonModeServo = 0x4000;
        /// <summary>Bit 12: overload threshold 4.0 Vrms instead of 5.1 Vrms.</summary>
        public const ushort OverloadLow = 0x1000;
        /// <summary>Bits 11..8: GPO4..GPO1.</summary>
        public const int GpoShift = 8;
        /// <summary>Mask of the four GPO bits before shifting.</summary>
        public const int GpoMask = 0x0F;
        /// <summary>Bits 5..0: gain code.</summary>
        public const ushort GainMask = 0x003F;

        /// <summary>Lowest gain above 0 dB, in dB (code 1).</summary>
        public const int MinSteppedGainDb = 10;
        /// <summary>Highest gain in dB (code 56).</summary>
        public const int MaxGainDb = 65;
    }

    /// <summary>Settings of one PGA2500, from which its whole control word is rebuilt on every write.</summary>
    public sealed class Pga2500Settings
    {
        /// <summary>Gain in dB: 0 or 10..65.</summary>
        public int GainDb;
        /// <summary>DC servo on (the default; written as DC = 0).</summary>
        public bool DcServo = true;
        /// <summary>Common-mode servo on.</summary>
        public bool CommonModeServo;
        /// <summary>OVR at 4.0 Vrms instead of 5.1 Vrms.</summary>
        public bool LowOverloadThreshold;
        /// <summary>GPO4..GPO1 as bits 3..0.</summary>
        public int Gpo;
    }

    /// <summary>
    /// The PGA2500 chain of board rev A: channel 1 nearest the MCU, channel 2 last. Every write rebuilds both
    /// 16-bit words from <see cref="Pga2500Settings"/> and clocks them out in one chip-select frame.
    /// </summary>
    public sealed class Pga2500Chain
    {
        /// <summary>Number of chips in the chain.</summary>
        public const int Chips = 2;
        /// <summary>Bytes per chain frame (16 bits per chip).</summary>
        public const int FrameBytes = 2 * Chips;

        // Self-test pattern: harmless words (0 dB, GPOs off, DC servo on) that differ from stuck-at-0 and
        // stuck-at-1 and from each other, so a missing chip or a swapped order shows up too.
        private const ushort TestWordCh2 = Pga2500Word.CommonModeServo | Pga2500Word.OverloadLow; // 0x5000
        private const ushort TestWordCh1 = Pga2500Word.OverloadLow;                                  // 0x1000

        private readonly ISpiChannel _spi;
        private readonly IDigitalOutput _zeroCrossEnable;
        private readonly IDigitalInput _overload1;
        private readonly IDigitalInput _overload2;
        private readonly Pga2500Settings[] _settings = new Pga2500Settings[Chips];
        private readonly byte[] _tx = new byte[FrameBytes];
        private readonly byte[] _rx = new byte[FrameBytes];
        private readonly byte[] _sent = new byte[FrameBytes];   // the last frame clocked in, which the next one shifts out
        private bool _sentKnown;
        private int _loopBackFailures;
        private int _overloadBits;
        private int _writes;
        private readonly byte[] _badRead = new byte[FrameBytes];       // the last wrong loop-back, and what it should have been
        private readonly byte[] _badExpected = new byte[FrameBytes];

        /// <summary>Creates the chain driver; nothing is sent until <see cref="Write"/>.</summary>
        public Pga2500Chain(ISpiChannel spi, IDigitalOutput zeroCrossEnable, IDigitalInput overload1, IDigitalInput overload2)
        {
            _spi = spi;
            _zeroCrossEnable = zeroCrossEnable;
            _overload1 = overload1;
            _overload2 = overload2;
            for (int i = 0; i < Chips; i++)
            {
                _settings[i] = new Pga2500Settings();
            }
        }

        /// <summary>Settings of channel <paramref name="channel"/> (0-based); change them, then call <see cref="Write"/>.</summary>
        public Pga2500Settings Channel(int channel)
        {
            return _settings[channel];
        }

        /// <summary>True when a valid gain: 0 dB or 10..65 dB.</summary>
        public static bool IsValidGain(int gainDb)
        {
            return gainDb == 0 || (gainDb >= Pga2500Word.MinSteppedGainDb && gainDb <= Pga2500Word.MaxGainDb);
        }

        /// <summary>Gain code N for a gain in dB (0 → 0, 10..65 → 1..56); throws for a gain the chip cannot take.</summary>
        public static int GainCode(int gainDb)
        {
            if (!IsValidGain(gainDb))
            {
                throw new ArgumentOutOfRangeException("gainDb", "PGA2500 gain must be 0 or 10..65 dB");
            }
            return gainDb == 0 ? 0 : gainDb - 9;
        }

        /// <summary>Gain in dB that a code N sets (codes 57..63 saturate at 65 dB).</summary>
        public static int GainDbFromCode(int code)
        {
            code &= Pga2500Word.GainMask;
            if (code == 0)
            {
                return 0;
            }
            return code >= 56 ? Pga2500Word.MaxGainDb : code + 9;
        }

        /// <summary>Builds the whole 16-bit control word from settings (pure).</summary>
        public static ushort EncodeWord(Pga2500Settings s)
        {
            int word = GainCode(s.GainDb);
            word |= (s.Gpo & Pga2500Word.GpoMask) << Pga2500Word.GpoShift;
            if (!s.DcServo)
            {
                word |= Pga2500Word.DcServoDisable;
            }
            if (s.CommonModeServo)
            {
                word |= Pga2500Word.CommonModeServo;
            }
            if (s.LowOverloadThreshold)
            {
                word |= Pga2500Word.OverloadLow;
            }
            return (ushort)word;
        }

        /// <summary>Fills a chain frame: channel 2's word first, then channel 1's, each MSB first (pure).</summary>
        public static void EncodeFrame(ushort wordCh1, ushort wordCh2, byte[] frame, int offset)
        {
            frame[offset] = (byte)(wordCh2 >> 8);
            frame[offset + 1] = (byte)wordCh2;
            frame[offset + 2] = (byte)(wordCh1 >> 8);
            frame[offset + 3] = (byte)wordCh1;
        }

        /// <summary>
        /// Sends both control words, rebuilt from the settings, in one chip-select frame, and checks the loop-back:
        /// the chain's SDO shifts out the 32 bits clocked in by the previous frame. A mismatch is counted
        /// (<see cref="LoopBackFailures"/>) and described (<see cref="LoopBackError"/>).
        /// </summary>
        public void Write()
        {
            EncodeFrame(EncodeWord(_settings[0]), EncodeWord(_settings[1]), _tx, 0);
            _spi.Transfer(_tx, 0, _rx, 0, FrameBytes);
            _writes++;
            if (_sentKnown && !SameFrame(_rx, _sent))
            {
                _loopBackFailures++;
                Array.Copy(_rx, 0, _badRead, 0, FrameBytes);     // no string built per write: the text is made when asked for
                Array.Copy(_sent, 0, _badExpected, 0, FrameBytes);
            }
            Remember();
        }

        /// <summary>Writes since power-on.</summary>
        public int Writes { get { return _writes; } }

        /// <summary>Writes that found the loop-back wrong since power-on.</summary>
        public int LoopBackFailures { get { return _loopBackFailures; } }

        /// <summary>What the last wrong loop-back read, or null when none was wrong.</summary>
        public string LoopBackError
        {
            get
            {
                if (_loopBackFailures == 0) return null;
                return "PGA2500 chain stopped answering: loop-back read " + FrameText(_badRead) + ", expected " + FrameText(_badExpected) + StuckHint(_badRead);
            }
        }

        private void Remember()
        {
            Array.Copy(_tx, 0, _sent, 0, FrameBytes);
            _sentKnown = true;
        }

        private static bool SameFrame(byte[] a, byte[] b)
        {
            return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
        }

        private static string FrameText(byte[] f)
        {
            return "0x" + ((f[0] << 8) | f[1]).ToString("X4") + " 0x" + ((f[2] << 8) | f[3]).ToString("X4");
        }

        private static string StuckHint(byte[] f)
        {
            if (f[0] == 0xFF && f[1] == 0xFF && f[2] == 0xFF && f[3] == 0xFF) return " (MISO stuck high?)";
            if (f[0] == 0 && f[1] == 0 && f[2] == 0 && f[3] == 0) return " (MISO stuck low?)";
            return "";
        }

        /// <summary>
        /// ZCEN: when true, new gains wait for a zero crossing of the input (or the chip's ~16 ms timeout).
        /// </summary>
        public bool ZeroCrossing
        {
            get { return _zeroCrossEnable.IsHigh; }
            set { _zeroCrossEnable.Write(value); }
        }

        /// <summary>True while the OVR pin of channel <paramref name="channel"/> (0-based) is high (read now).</summary>
        public bool IsOverloaded(int channel)
        {
            return channel == 0 ? _overload1.Read() : _overload2.Read();
        }

        /// <summary>Reads both OVR pins (b0 channel 1, b1 channel 2) and keeps what they said in <see cref="OverloadBits"/>.</summary>
        public int ReadOverloads()
        {
            _overloadBits = (_overload1.Read() ? 1 : 0) | (_overload2.Read() ? 2 : 0);
            return _overloadBits;
        }

        /// <summary>The OVR pins as the last <see cref="ReadOverloads"/> found them: the control tick reads them once for every part that asks.</summary>
        public int OverloadBits { get { return _overloadBits; } }

        /// <summary>
        /// Loop-back self-test for a board in its safe state (boot, or after a failure): clocks a harmless pattern, then
        /// the current settings, and checks that the pattern comes back 32 bits later, each chip's word on its own.
        /// The chips latch the pattern for a frame: use only while muted. Returns null, or what was wrong.
        /// </summary>
        public string SelfTest()
        {
            EncodeFrame(TestWordCh1, TestWordCh2, _tx, 0);
            _spi.Transfer(_tx, 0, _rx, 0, FrameBytes);
            _sentKnown = false;   // the self-test judges this exchange itself
            Write();
            return Judge(TestWordCh1, TestWordCh2, "chip missing or chain broken");
        }

        /// <summary>
        /// Loop-back test in operation that changes nothing the audio path sees: the current words go out three times,
        /// first with the unused GPO4 set in channel 1's word only, then in channel 2's only, then clean; each read-back
        /// must carry the marker in exactly that chip's word. Gains, pad and polarity stay as they are in every frame.
        /// Returns null, or what was wrong.
        /// </summary>
        public string CheckInPlace()
        {
            ushort w1 = EncodeWord(_settings[0]);
            ushort w2 = EncodeWord(_settings[1]);
            Exchange((ushort)(w1 | Gpo4), w2);
            Exchange(w1, (ushort)(w2 | Gpo4));
            string fault = Judge((ushort)(w1 | Gpo4), w2, "a chip does not pass its word on");
            Exchange(w1, w2);
            string second = Judge(w1, (ushort)(w2 | Gpo4), "a chip does not pass its word on");
            Remember();
            _writes++;
            return fault != null ? fault : second;
        }

        /// <summary>GPO4: not connected on the board (hardware/pinmap.md), so it can mark a word without effect.</summary>
        private const ushort Gpo4 = (ushort)(8 << Pga2500Word.GpoShift);

        private void Exchange(ushort wordCh1, ushort wordCh2)
        {
            EncodeFrame(wordCh1, wordCh2, _tx, 0);
            _spi.Transfer(_tx, 0, _rx, 0, FrameBytes);
        }

        /// <summary>Compares the last read-back with the words expected from each chip; names the chip that is wrong.</summary>
        private string Judge(ushort expectedCh1, ushort expectedCh2, string why)
        {
            int ch2 = (_rx[0] << 8) | _rx[1];
            int ch1 = (_rx[2] << 8) | _rx[3];
            if (ch2 == expectedCh2 && ch1 == expectedCh1)
            {
                return null;
            }
            string seen = "read 0x" + ch2.ToString("X4") + " 0x" + ch1.ToString("X4") + ", expected 0x" + expectedCh2.ToString("X4") + " 0x" + expectedCh1.ToString("X4");
            if (ch2 == 0xFFFF && ch1 == 0xFFFF)
            {
                return "PGA2500 chain: no loop-back (MISO stuck high, " + seen + ")";
            }
            if (ch2 == 0 && ch1 == 0)
            {
                return "PGA2500 chain: no loop-back (MISO stuck low, " + seen + ")";
            }
            string chips = ch1 != expectedCh1 && ch2 != expectedCh2 ? "both chips" : ch1 != expectedCh1 ? "the chip of input 1" : "the chip of input 2";
            return "PGA2500 chain: " + chips + " wrong (" + seen + "; " + why + ")";
        }
    }
}
