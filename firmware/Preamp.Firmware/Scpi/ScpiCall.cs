// What a command handler sees: its suffixes, its parameters with SCPI parsing, and where to put its answer.
namespace PreampFirmware.Scpi
{
    /// <summary>One command being run. Reused by its session; handlers must not keep it.</summary>
    public sealed class ScpiCall
    {
        private readonly ScpiSession _session;
        private ScpiEntry _entry;
        private int[] _suffixes;
        private int _nodes;
        private string[] _parameters;
        private int _count;
        private string _reply;
        private bool _failed;

        internal ScpiCall(ScpiSession session)
        {
            _session = session;
        }

        internal void Begin(ScpiEntry entry, int[] suffixes, int nodes, string[] parameters, int count)
        {
            _entry = entry;
            _suffixes = suffixes;
            _nodes = nodes;
            _parameters = parameters;
            _count = count;
            _reply = null;
            _failed = false;
        }

        internal string TakeReply()
        {
            string r = _reply;
            _reply = null;
            return r;
        }

        /// <summary>The session running the command.</summary>
        public ScpiSession Session { get { return _session; } }

        /// <summary>True for the query form.</summary>
        public bool IsQuery { get { return _entry.Query; } }

        /// <summary>True once the command reported an error.</summary>
        public bool Failed { get { return _failed; } }

        /// <summary>Number of parameters given.</summary>
        public int ParameterCount { get { return _count; } }

        /// <summary>The numeric suffix of the first suffixed node (e.g. 2 in INPut2:GAIN), 1 when omitted.</summary>
        public int Suffix
        {
            get
            {
                for (int i = 0; i < _nodes; i++)
                {
                    if (_entry.Nodes[i].HasSuffix)
                    {
                        return _suffixes[i];
                    }
                }
                return 1;
            }
        }

        /// <summary>Parameter <paramref name="index"/> as sent (trimmed).</summary>
        public string Parameter(int index)
        {
            return _parameters[index];
        }

        /// <summary>Parameter <paramref name="index"/> without surrounding quotes.</summary>
        public string Text(int index)
        {
            string p = _parameters[index];
            if (p.Length >= 2 && p[0] == '"' && p[p.Length - 1] == '"')
            {
                return p.Substring(1, p.Length - 2);
            }
            return p;
        }

        /// <summary>True when parameter <paramref name="index"/> is the keyword <paramref name="pattern"/> (e.g. "MAXimum") in short or long form.</summary>
        public bool IsKeyword(int index, string pattern)
        {
            if (index >= _count)
            {
                return false;
            }
            ScpiNode node = new ScpiNode(pattern);
            return node.Matches(_parameters[index].ToUpper());
        }

        /// <summary>Reads a boolean (ON, OFF, 1, 0); reports -104 and returns false on anything else.</summary>
        public bool TryBoolean(int index, out bool value)
        {
            string p = _parameters[index].ToUpper();
            value = false;
            if (p == "ON" || p == "1")
            {
                value = true;
                return true;
            }
            if (p == "OFF" || p == "0")
            {
                return true;
            }
            Fail(ScpiError.DataTypeError, "expected ON or OFF, got '" + _parameters[index] + "'");
            return false;
        }

        /// <summary>Reads a decimal number (with optional exponent); reports -104 and returns false when it is not one.</summary>
        public bool TryNumber(int index, out double value)
        {
            string p = _parameters[index];
            value = 0;
            if (!IsNumeric(p) || !double.TryParse(p, out value))
            {
                Fail(ScpiError.DataTypeError, "expected a number, got '" + p + "'");
                return false;
            }
            return true;
        }

        /// <summary>Reads a whole number; reports -104 when it is not a number and -222 when it has a fraction.</summary>
        public bool TryInteger(int index, out int value)
        {
            double d;
            value = 0;
            if (!TryNumber(index, out d))
            {
                return false;
            }
            if (d != System.Math.Floor(d) || d > int.MaxValue || d < int.MinValue)
            {
                Fail(ScpiError.DataOutOfRange, "expected a whole number, got '" + _parameters[index] + "'");
                return false;
            }
            value = (int)d;
            return true;
        }

        /// <summary>
        /// Reads a number that may also be MINimum, MAXimum or DEFault (SCPI-99 vol. 1 §7.2.1), which give
        /// <paramref name="min"/>, <paramref name="max"/> and <paramref name="def"/>; reports -104 on anything else that is
        /// not a number. The range is the caller's to check.
        /// </summary>
        public bool TryNumber(int index, double min, double max, double def, out double value)
        {
            int limit = Limit(index);
            value = limit == 1 ? min : limit == 2 ? max : def;
            return limit != 0 || TryNumber(index, out value);
        }

        /// <summary>A whole number, or MINimum, MAXimum or DEFault as in <see cref="TryNumber(int, double, double, double, out double)"/>.</summary>
        public bool TryInteger(int index, int min, int max, int def, out int value)
        {
            int limit = Limit(index);
            value = limit == 1 ? min : limit == 2 ? max : def;
            return limit != 0 || TryInteger(index, out value);
        }

        /// <summary>
        /// A setting's query with an optional MINimum, MAXimum or DEFault: given one, answers that limit and returns true;
        /// given none, returns false (the query answers the setting). Any other parameter is -224 (no answer), and true.
        /// </summary>
        public bool AnsweredLimit(string min, string max, string def)
        {
            if (_count == 0)
            {
                return false;
            }
            int limit = Limit(0);
            if (limit == 0)
            {
                Fail(ScpiError.IllegalParameterValue, "the query takes MINimum, MAXimum or DEFault, got '" + _parameters[0] + "'");
            }
            else
            {
                Reply(limit == 1 ? min : limit == 2 ? max : def);
            }
            return true;
        }

        /// <summary>1 for MINimum, 2 for MAXimum, 3 for DEFault, 0 otherwise.</summary>
        private int Limit(int index)
        {
            if (IsKeyword(index, "MINimum")) return 1;
            if (IsKeyword(index, "MAXimum")) return 2;
            if (IsKeyword(index, "DEFault")) return 3;
            return 0;
        }

        private static bool IsNumeric(string p)
        {
            int digits = 0;
            for (int i = 0; i < p.Length; i++)
            {
                char c = p[i];
                if (c >= '0' && c <= '9')
                {
                    digits++;
                }
                else if (c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E')
                {
                    return false;
                }
            }
            return digits > 0;
        }

        /// <summary>Sets the answer of a query.</summary>
        public void Reply(string answer)
        {
            _reply = answer;
        }

        /// <summary>
        /// Reports an error with its standard text and a detail; a query that failed answers nothing. A command error
        /// (-1xx) also skips the rest of the line.
        /// </summary>
        public void Fail(int code, string detail)
        {
            _failed = true;
            _session.PushError(code, detail);
        }
    }
}
