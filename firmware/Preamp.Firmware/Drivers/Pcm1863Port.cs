// The PCM1863's control port: its framing (SPI mode, where R/W sits), the words, and the search for the framing it answers in.
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /*
     * Four plausible framings (hardware/bringup.md, "PCM1863 control-port framing"). SLAS831D says MC shifts data on its
     * falling edge but not on which edge the part samples MOSI: SPI mode 0 (sampled on the rising edge, the reading this
     * driver documents) or mode 1 (sampled on the falling edge, as an independent PCM1865 driver clocks it). And it puts
     * R/W in two places: the NOTE under Figure 47 in B8, the LSB of the address byte (documented here), its prose (and
     * Linux's SPI regmap, read flag 80h) in B15, the MSB. A framing is a number: bit 0 the mode, bit 1 R/W in the MSB.
     *
     *   framing   address byte of a read of A     the part samples MOSI on
     *   0         (A << 1) | 1                    the rising edge (mode 0)       DOCUMENTED
     *   1         (A << 1) | 1                    the falling edge (mode 1)
     *   2         80h | A                         the rising edge
     *   3         80h | A                         the falling edge
     *
     * An attempt, in its framing: 00h <- 00h (page 0), read a register with a known value, then write a register the
     * set-up writes anyway to the other of its two known values and read it back. The PCM1863 has no scratch register:
     *   R/W in the LSB: read 06h ADC1_INPUT_SEL_L, known 41h (reset) or 50h (configured); write 06h, read it back.
     *   R/W in the MSB: read 0Bh PCM_CFG, known 44h (reset and configured); write 07h ADC1_INPUT_SEL_R (41h or 50h).
     * Order: the remembered framing, then 0, 2, 1, 3 - except that no mode-1 MSB attempt (3) goes out before the mode-0
     * MSB attempt (2) has failed. Every read's data byte is 00h, every attempt ends on a read, so MOSI rests low between
     * frames.
     *
     * What a misread attempt can write. With the framing unknown, a read sent in the wrong layout is a write, and a
     * mode-1 master talking to a mode-0 part delivers every MOSI bit one clock late (the part reads the word shifted right
     * by one bit; the other way round only the master's reads shift). Worked out for every framing against every other:
     *   00h <- 00h is the all-zero word in every framing, shifted or not: page 0 again. (So are the two bytes nanoFramework
     *       clocks when the channel is reopened in the other mode.)
     *   An LSB attempt's reads of 06h (data byte 00h) reach an MSB part as 0Dh <- 00h (TX_TDM_OFFSET, its reset value,
     *       used only in TDM). Shifted into a mode-0 part (attempt 1 when it is the remembered framing) they write
     *       03h <- 80h (LSB part) or 06h <- 80h (MSB part).
     *   An MSB attempt's reads of 0Bh and 07h reach an LSB part as reads (of 45h, 43h); shifted into a mode-0 LSB part,
     *       reads too (of 22h, 21h). Shifted into a mode-0 MSB part they would write 45h and 43h, registers SLAS831D does
     *       not document: that is why attempt 3 never goes out before attempt 2 has failed.
     *   An attempt's own writes go out only after its known value read back right, which none of the wrong framings
     *       above gives (a read there returns the part's answer to a write, or a value shifted by one bit). Even so, an
     *       LSB write of 06h reaches an MSB part as a write of 0Ch (TDM_TX_SEL), an MSB write of 07h an LSB part as a read.
     * So a probe can only ever write 00h (page 0), 03h, 06h, 07h, 0Ch or 0Dh: the second PGA (4-channel parts only), the
     * two input selects (06h and 07h are also what a right framing's attempt writes), the TDM slot count and offset. None of them drives a pin or a clock: CLK_CTRL 20h (whose master-mode bit
     * would drive BCK/LRCK against the ESP32), the GPIO block 10h-15h and the interrupt pin 60h-62h are never hit. And
     * the set-up that follows a search starts with a software reset (00h <- FEh), which puts every register back.
     * The simulated part checks this for every framing, remembered or not (Pcm1863FramingTests).
     */

    /// <summary>Called when a search found the framing the part answers in.</summary>
    public delegate void FramingFoundHandler(int framing);

    /// <summary>
    /// The PCM1863's control port: encodes words in the framing in use, clocks them, and finds the framing the part
    /// answers in (remembered one first; see the block above for what each attempt could write).
    /// </summary>
    public sealed class Pcm1863Port
    {
        /// <summary>Framing bit: SPI mode 1 (else mode 0).</summary>
        public const int Mode1 = 1;
        /// <summary>Framing bit: R/W in the MSB of the address byte (else in its LSB).</summary>
        public const int ReadWriteMsb = 2;
        /// <summary>The framing the driver documents: mode 0, R/W in the LSB (SLAS831D Figure 47 NOTE).</summary>
        public const int Documented = 0;
        /// <summary>No framing (none remembered, or none answered).</summary>
        public const int None = -1;
        /// <summary>Bytes per control word.</summary>
        public const int WordBytes = 2;

        private const int PageRegister = 0x00;
        private const int InputLeft = 0x06;
        private const int InputRight = 0x07;
        private const int Format = 0x0B;
        private const int FormatKnown = 0x44;
        private const int InputReset = 0x41;
        private const int InputConfigured = 0x50;

        private static readonly int[] s_order = { 0, 2, 1, 3 };

        private readonly ISpiChannel _spi;
        private readonly byte[] _tx = new byte[WordBytes];
        private readonly byte[] _rx = new byte[WordBytes];
        private int _framing = Documented;
        private bool _proven;
        private bool _searched;
        private string _attempts = "";
        private string _attemptsShort = "";

        /// <summary>The port on <paramref name="spi"/>; nothing is clocked until a search or an access.</summary>
        public Pcm1863Port(ISpiChannel spi)
        {
            _spi = spi;
        }

        /// <summary>Raised when a search found a framing (the root keeps it on flash).</summary>
        public event FramingFoundHandler Found;

        /// <summary>The framing words go out in now.</summary>
        public int Framing { get { return _framing; } }

        /// <summary>True when the last search found <see cref="Framing"/>.</summary>
        public bool Proven { get { return _proven; } }

        /// <summary>The framing remembered from the last boot (tried first), or <see cref="None"/>.</summary>
        public int Remembered { get; set; } = None;

        /// <summary>What each attempt of the last failed search read, in words, or empty.</summary>
        public string Attempts { get { return _attempts; } }

        /// <summary>The first byte of a word: address and R/W placed as <paramref name="framing"/> says.</summary>
        public static byte AddressByte(int address, bool read, int framing)
        {
            if ((framing & ReadWriteMsb) != 0)
            {
                return (byte)((address & 0x7F) | (read ? 0x80 : 0));
            }
            return (byte)(((address & 0x7F) << 1) | (read ? 1 : 0));
        }

        /// <summary>A framing as DIAGnostic:ADC:PORT? names it: mode, then LSB or MSB.</summary>
        public static string Name(int framing)
        {
            return ((framing & Mode1) != 0 ? "1" : "0") + "," + ((framing & ReadWriteMsb) != 0 ? "MSB" : "LSB");
        }

        /// <summary>
        /// DIAGnostic:ADC:PORT?: <c>mode,rw,DOCUMENTED|FOUND</c>, or <c>NONE,</c> and what each attempt read when no framing
        /// answered.
        /// </summary>
        public string Describe()
        {
            if (_searched && !_proven)
            {
                return "NONE," + _attemptsShort;
            }
            return Name(_framing) + (_framing == Documented ? ",DOCUMENTED" : ",FOUND");
        }

        /// <summary>Writes one register (one word, one chip-select frame).</summary>
        public void Write(int address, int value)
        {
            _tx[0] = AddressByte(address, false, _framing);
            _tx[1] = (byte)value;
            _spi.Transfer(_tx, 0, _rx, 0, WordBytes);
        }

        /// <summary>Reads one register (its data byte is clocked out as zero).</summary>
        public int Read(int address)
        {
            _tx[0] = AddressByte(address, true, _framing);
            _tx[1] = 0;
            _spi.Transfer(_tx, 0, _rx, 0, WordBytes);
            return _rx[1];
        }

        /// <summary>
        /// Finds the framing the part answers in: the one in use after a search that found it, else the remembered one,
        /// then the others (order and safety in the block above). True when one answered; it stays in use.
        /// </summary>
        public bool Find()
        {
            int first = _proven ? _framing : (Remembered >= 0 && Remembered <= 3 ? Remembered : Documented);
            _searched = true;
            _proven = false;
            _attempts = "";
            _attemptsShort = "";
            int tried = 0;
            if (first == (Mode1 | ReadWriteMsb))
            {
                if (Attempt(ReadWriteMsb)) return true;   // a mode-0 MSB part must be ruled out first
                tried |= 1 << ReadWriteMsb;
            }
            if (Attempt(first)) return true;
            tried |= 1 << first;
            for (int i = 0; i < s_order.Length; i++)
            {
                int framing = s_order[i];
                if ((tried & (1 << framing)) != 0) continue;
                if (framing == (Mode1 | ReadWriteMsb) && (tried & (1 << ReadWriteMsb)) == 0) continue;   // never: 2 comes first
                if (Attempt(framing)) return true;
                tried |= 1 << framing;
            }
            return false;
        }

        private bool Attempt(int framing)
        {
            Use(framing);
            Write(PageRegister, 0);
            bool msb = (framing & ReadWriteMsb) != 0;
            int check = msb ? Format : InputLeft;
            int value = Read(check);
            bool known = msb ? value == FormatKnown : value == InputReset || value == InputConfigured;
            if (!known)
            {
                Note(framing, check, value, -1, -1);
                return false;
            }
            int target = msb ? InputRight : InputLeft;
            int now = msb ? Read(target) : value;
            int pattern = now == InputConfigured ? InputReset : InputConfigured;
            Write(target, pattern);
            int back = Read(target);
            if (back != pattern)
            {
                Note(framing, check, value, pattern, back);
                return false;
            }
            _proven = true;
            FramingFoundHandler found = Found;
            if (found != null) found(framing);
            return true;
        }

        /// <summary>Switches to <paramref name="framing"/>, reopening the channel when the mode changes.</summary>
        private void Use(int framing)
        {
            int mode = framing & Mode1;
            if (_spi.Mode != mode)
            {
                _spi.Reopen(mode);
            }
            _framing = framing;
        }

        private void Note(int framing, int check, int value, int wrote, int back)
        {
            string mode = (framing & Mode1) != 0 ? "1" : "0";
            string rw = (framing & ReadWriteMsb) != 0 ? "MSB" : "LSB";
            string text = "mode " + mode + " R/W " + rw + ": " + Hex(check) + "h read 0x" + Hex(value);
            string brief = mode + "/" + rw + ":" + Hex(check) + "h=" + Hex(value) + "h";
            if (wrote >= 0)
            {
                int target = (framing & ReadWriteMsb) != 0 ? InputRight : InputLeft;
                text = text + ", " + Hex(target) + "h wrote 0x" + Hex(wrote) + " read back 0x" + Hex(back);
                brief = brief + " " + Hex(target) + "h=" + Hex(wrote) + "h>" + Hex(back) + "h";
            }
            _attempts = _attempts + (_attempts.Length == 0 ? "" : "; ") + text;
            _attemptsShort = _attemptsShort + (_attemptsShort.Length == 0 ? "" : ",") + brief;
        }

        private static string Hex(int value)
        {
            return (value & 0xFF).ToString("X2");
        }
    }
}
