// One host connection speaking SCPI: assembles lines from the byte stream, parses them, runs commands, answers.
using System;
using System.Text;
using PreampFirmware.Hal;

namespace PreampFirmware.Scpi
{
    /// <summary>
    /// A SCPI session on one byte link (IEEE 488.2 message exchange, simplified for a serial line): LF, CR or CR LF
    /// ends a line, ';' separates commands, a header without a leading ':' after ';' continues the
    /// previous command's path, queries' answers on one line are joined by ';' and sent with one LF, set commands
    /// answer nothing, and every error is queued for SYSTem:ERRor? and sets its bit in the session's
    /// <see cref="StatusRegisters"/>. As IEEE 488.2 has it, a command error (-1xx: the parser could not make sense of
    /// it) skips the rest of its line; after an execution or device error the line goes on; a query that fails answers
    /// nothing (its error says why), the other queries of the line still answer. A line over <see cref="MaxLineLength"/> characters or with bytes outside printable ASCII is
    /// refused whole; the session resynchronises at the next LF.
    /// </summary>
    public sealed class ScpiSession
    {
        /// <summary>Longest accepted line, characters (without the LF).</summary>
        public const int MaxLineLength = ScpiLineReader.MaxLineLength;
        /// <summary>Most commands on one line.</summary>
        public const int MaxUnits = 16;
        /// <summary>Most header nodes in one command.</summary>
        public const int MaxNodes = 8;
        /// <summary>Most parameters of one command.</summary>
        public const int MaxParameters = 8;

        private readonly ScpiCommandTable _table;
        private readonly ISerialPort _port;
        private readonly string _prefix;
        private ISessionRouter _router;
        private readonly ErrorQueue _errors = new ErrorQueue();
        private readonly StatusRegisters _status = new StatusRegisters();
        private readonly byte[] _readBuffer = new byte[128];
        private readonly ScpiLineReader _reader = new ScpiLineReader();
        private byte[] _writeBuffer = new byte[1024];

        private readonly string[] _mnemonics = new string[MaxNodes];
        private readonly int[] _suffixes = new int[MaxNodes];
        private readonly int[] _resolved = new int[MaxNodes];
        private readonly string[] _path = new string[MaxNodes];
        private readonly int[] _pathSuffixes = new int[MaxNodes];
        private int _pathLength;
        private readonly string[] _parameters = new string[MaxParameters];
        private readonly ScpiCall _call;
        private string _responses;
        private bool _lineFailed;
        private long _linesExecuted;
        private long _overrunsSeen;

        /// <summary>A session on <paramref name="port"/> (null for a session driven only through <see cref="ExecuteLine"/>).</summary>
        public ScpiSession(ScpiCommandTable table, ISerialPort port) : this(table, port, null) { }

        /// <summary>A sub-session on another session's link: it is never polled, and its answers go out after <paramref name="answerPrefix"/> ("@3 ").</summary>
        public ScpiSession(ScpiCommandTable table, ISerialPort port, string answerPrefix)
        {
            _table = table;
            _port = port;
            _prefix = answerPrefix;
            _call = new ScpiCall(this);
        }

        /// <summary>Where this session's lines that start with '@' go (numbered sub-sessions on its link); null: they run here.</summary>
        public ISessionRouter Router { set { _router = value; } }

        /// <summary>This session's error queue.</summary>
        public ErrorQueue Errors { get { return _errors; } }

        /// <summary>This session's IEEE 488.2 status registers (*ESR?, *ESE, *SRE, *STB?).</summary>
        public StatusRegisters Status { get { return _status; } }

        /// <summary>True while answers of the line being run wait to be sent (the status byte's MAV).</summary>
        public bool AnswerWaiting { get { return _responses != null; } }

        /// <summary>The link this session talks on.</summary>
        public ISerialPort Port { get { return _port; } }

        /// <summary>Received bytes this session's link lost to input overruns (each loss is also queued as -363).</summary>
        public long InputBytesLost { get { return _overrunsSeen; } }

        /// <summary>Lines executed so far.</summary>
        public long LinesExecuted { get { return _linesExecuted; } }

        /// <summary>
        /// Queues an error with its standard text and an optional detail after ';', and sets its event bit. A command
        /// error (-1xx) skips the rest of the line.
        /// </summary>
        public void PushError(int code, string detail)
        {
            string text = ScpiError.Text(code);
            _errors.Push(code, detail == null || detail.Length == 0 ? text : text + ";" + detail);
            int bit = StatusRegisters.EventBitOf(code);
            _status.SetEvent(bit);
            if (bit == StatusRegisters.CommandError)
            {
                _lineFailed = true;
            }
        }

        /// <summary>Queues an error raised outside this session's own commands (device faults); does not abort a line.</summary>
        public void Report(int code, string detail)
        {
            bool failed = _lineFailed;
            PushError(code, detail);
            _lineFailed = failed;
        }

        /// <summary>
        /// Reads what the link has (never more than BytesToRead) and runs every complete line. Bytes the link lost because
        /// its receive buffer was full came after the ones it held: once those are run, -363 is queued with the count and
        /// the line the gap fell in is dropped at its end, so the next line runs whole.
        /// </summary>
        public void Poll()
        {
            if (_port == null || (_port.BytesToRead == 0 && _port.ReceiveOverruns == _overrunsSeen))
            {
                return;
            }
            while (true)
            {
                int available = _port.BytesToRead;
                long lost = _port.ReceiveOverruns - _overrunsSeen;
                while (available > 0)
                {
                    int n = _port.Read(_readBuffer, 0, available < _readBuffer.Length ? available : _readBuffer.Length);
                    if (n <= 0)
                    {
                        break;
                    }
                    Feed(_readBuffer, 0, n);
                    available -= n;
                }
                if (lost > 0)
                {
                    _overrunsSeen += lost;
                    _reader.Discard();
                    Report(ScpiError.InputBufferOverrun, "input overrun: " + lost.ToString() + " received bytes lost (the receive buffer was full); the line they were in is dropped");
                }
                if (_port.BytesToRead == 0)
                {
                    return;
                }
            }
        }

        /// <summary>Feeds received bytes; complete lines run as they arrive.</summary>
        public void Feed(byte[] data, int offset, int count)
        {
            for (int i = offset; i < offset + count; i++)
            {
                if (_reader.Add(data[i]))
                {
                    EndOfLine();
                }
            }
        }

        private void EndOfLine()
        {
            int state = _reader.State;
            string line = _reader.Take();
            if (_router != null && line.Length > 0 && line[0] == '@')
            {
                _router.Route(this, line, state);
                return;
            }
            RunLine(line, state);
        }

        /// <summary>Runs a line that ended in <paramref name="state"/> (a <see cref="ScpiLineReader"/> state) and sends its answer.</summary>
        public void RunLine(string line, int state)
        {
            if (state == ScpiLineReader.TooLong)
            {
                PushError(ScpiError.InputBufferOverrun, "line longer than " + MaxLineLength.ToString() + " characters");
                return;
            }
            if (state == ScpiLineReader.Lost)
            {
                return;   // reported when the loss was found
            }
            if (state == ScpiLineReader.BadByte)
            {
                PushError(ScpiError.InvalidCharacter, "byte outside printable ASCII");
                return;
            }
            string answer = ExecuteLine(line);
            if (answer != null)
            {
                Send(answer);
            }
        }

        private void Send(string answer)
        {
            if (_prefix != null)
            {
                answer = _prefix + answer;
            }
            // Answers are ASCII (error texts included); the conversion is the runtime's native one, not a loop here.
            int most = 3 * answer.Length + 1;
            if (_writeBuffer.Length < most)
            {
                _writeBuffer = new byte[most + 64];
            }
            int n = Encoding.UTF8.GetBytes(answer, 0, answer.Length, _writeBuffer, 0);
            _writeBuffer[n] = 0x0A;
            if (_port != null)
            {
                _port.Write(_writeBuffer, 0, n + 1);
            }
        }

        /// <summary>
        /// Runs one line (without its LF) and returns the joined query answers, or null when nothing is to be sent.
        /// </summary>
        public string ExecuteLine(string line)
        {
            _linesExecuted++;
            _responses = null;
            _lineFailed = false;
            _pathLength = 0;
            int start = 0;
            bool quoted = false;
            int units = 0;
            for (int i = 0; i <= line.Length && !_lineFailed; i++)
            {
                bool end = i == line.Length;
                char c = end ? ';' : line[i];
                if (c == '"')
                {
                    quoted = !quoted;
                }
                if (c == ';' && !quoted)
                {
                    if (++units > MaxUnits)
                    {
                        PushError(ScpiError.CommandError, "more than " + MaxUnits.ToString() + " commands on one line");
                        break;
                    }
                    ExecuteUnit(line.Substring(start, i - start).Trim());
                    start = i + 1;
                }
            }
            if (quoted && !_lineFailed)
            {
                PushError(ScpiError.SyntaxError, "unterminated string");
            }
            return _responses;
        }

        private void ExecuteUnit(string unit)
        {
            if (unit.Length == 0)
            {
                return;
            }
            int space = ScpiHeader.IndexOfWhitespace(unit);
            string header = space < 0 ? unit : unit.Substring(0, space);
            string rest = space < 0 ? "" : unit.Substring(space + 1).Trim();

            bool query = header.EndsWith("?");
            if (query)
            {
                header = header.Substring(0, header.Length - 1);
            }
            bool absolute = header.StartsWith(":");
            if (absolute)
            {
                header = header.Substring(1);
            }
            bool common = header.StartsWith("*");
            if (header.Length == 0)
            {
                PushError(ScpiError.SyntaxError, "empty header");
                return;
            }

            string[] tokens = header.Split(new char[] { ':' });
            int count = 0;
            if (!absolute && !common)
            {
                for (int i = 0; i < _pathLength; i++)
                {
                    _mnemonics[count] = _path[i];
                    _suffixes[count] = _pathSuffixes[i];
                    count++;
                }
            }
            for (int i = 0; i < tokens.Length; i++)
            {
                string mnemonic;
                int suffix;
                if (count >= MaxNodes || !ScpiHeader.SplitMnemonic(tokens[i], common && i == 0, out mnemonic, out suffix))
                {
                    PushError(ScpiError.SyntaxError, "bad header '" + header + "'");
                    return;
                }
                _mnemonics[count] = mnemonic;
                _suffixes[count] = suffix;
                count++;
            }

            int failure;
            ScpiEntry entry = _table.Find(_mnemonics, _suffixes, count, query, _resolved, out failure);
            if (entry == null && count > tokens.Length)
            {
                // Not found relative to the previous path: try it from the root, as many instruments do.
                int offset = count - tokens.Length;
                for (int i = 0; i < tokens.Length; i++)
                {
                    _mnemonics[i] = _mnemonics[i + offset];
                    _suffixes[i] = _suffixes[i + offset];
                }
                count = tokens.Length;
                entry = _table.Find(_mnemonics, _suffixes, count, query, _resolved, out failure);
            }
            if (entry == null)
            {
                if (failure == ScpiCommandTable.BadSuffix)
                {
                    PushError(ScpiError.HeaderSuffixOutOfRange, header);
                }
                else
                {
                    PushError(ScpiError.UndefinedHeader, header + (query ? "?" : ""));
                }
                return;
            }

            int parameters = ScpiParameters.Split(rest, _parameters, this);
            if (parameters < 0)
            {
                return;
            }
            if (parameters < entry.MinParameters)
            {
                PushError(ScpiError.MissingParameter, header);
                return;
            }
            if (parameters > entry.MaxParameters)
            {
                PushError(ScpiError.ParameterNotAllowed, header);
                return;
            }

            if (!common)
            {
                _pathLength = count - 1;
                for (int i = 0; i < _pathLength; i++)
                {
                    _path[i] = _mnemonics[i];
                    _pathSuffixes[i] = _suffixes[i];
                }
            }

            _call.Begin(entry, _resolved, count, _parameters, parameters);
            try
            {
                entry.Handler(_call);
            }
            catch (Exception e)
            {
                _call.Fail(ScpiError.ExecutionError, e.Message);
            }
            string reply = _call.TakeReply();
            if (reply != null && !_call.Failed)
            {
                _responses = _responses == null ? reply : _responses + ";" + reply;
            }
        }
    }
}
