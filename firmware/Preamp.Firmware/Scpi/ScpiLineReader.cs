// Assembling command lines from the bytes a host link delivers.
namespace PreampFirmware.Scpi
{
    /// <summary>
    /// Collects bytes into a line: LF, CR or CR LF ends it (terminals send CR on Enter; CR LF is one ending, not an empty
    /// line). A line longer than <see cref="MaxLineLength"/> characters, or with a byte outside printable ASCII and TAB,
    /// is marked bad whole; the reader starts afresh at the next line end either way, so one bad line never eats the
    /// next. A line that bytes were lost from (<see cref="Discard"/>) ends as <see cref="Lost"/>.
    /// </summary>
    public sealed class ScpiLineReader
    {
        /// <summary>Longest accepted line, characters (without the LF).</summary>
        public const int MaxLineLength = 256;

        /// <summary>Room for a sub-session's address before a line ("@16 "): an addressed line may carry a whole line after it.</summary>
        public const int AddressLength = 4;

        /// <summary>State of the line just ended: its text is in <see cref="Text"/>.</summary>
        public const int Complete = 0;
        /// <summary>State of the line just ended: it was longer than <see cref="MaxLineLength"/>.</summary>
        public const int TooLong = 1;
        /// <summary>State of the line just ended: it held a byte outside printable ASCII.</summary>
        public const int BadByte = 2;
        /// <summary>State of the line just ended: bytes were lost from it (an input overrun, already reported).</summary>
        public const int Lost = 3;

        private readonly char[] _line = new char[MaxLineLength + AddressLength];
        private int _length;
        private bool _overrun;
        private bool _invalid;
        private bool _lost;
        private bool _afterCr;
        private int _state;

        /// <summary>Adds one byte; true when it ended a line (see <see cref="State"/> and <see cref="Text"/>).</summary>
        public bool Add(byte b)
        {
            bool afterCr = _afterCr;
            _afterCr = b == 0x0D;
            if (b == 0x0A && afterCr)
            {
                return false;   // the LF of a CR LF: the CR ended the line
            }
            if (b == 0x0A || b == 0x0D)
            {
                _state = _lost ? Lost : _overrun ? TooLong : _invalid ? BadByte : Complete;
                return true;
            }
            if ((b < 0x20 && b != 0x09) || b > 0x7E)
            {
                _invalid = true;
            }
            else if (_length >= MaxLineLength && (_length >= MaxLineLength + AddressLength || _line[0] != '@'))
            {
                _overrun = true;
            }
            else
            {
                _line[_length++] = (char)b;
            }
            return false;
        }

        /// <summary>Marks the line in progress as one that bytes were lost from: it will be dropped when it ends.</summary>
        public void Discard()
        {
            _lost = true;
        }

        /// <summary>How the line just ended was: <see cref="Complete"/>, <see cref="TooLong"/> or <see cref="BadByte"/>.</summary>
        public int State { get { return _state; } }

        /// <summary>Takes the text of the line just ended and starts a new one.</summary>
        public string Take()
        {
            string text = new string(_line, 0, _length);
            _length = 0;
            _overrun = false;
            _invalid = false;
            _lost = false;
            return text;
        }
    }
}
