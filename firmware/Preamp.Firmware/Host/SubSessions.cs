// Numbered sub-sessions on one host link: the clients of a host hub, each with its own session, over the board's one UART.
using PreampFirmware.Hal;
using PreampFirmware.Scpi;

namespace PreampFirmware.Host
{
    /// <summary>
    /// The sub-sessions of one link. A line "@n LINE" runs LINE in sub-session n and its answer comes back as "@n ANSWER";
    /// lines without an address run in the link's own session, so a plain terminal sees nothing of this. Each sub-session
    /// is a whole session (error queue, status registers, device errors while it is open). The stream, when a sub-session
    /// started it, belongs to the link's sub-sessions together: each that sent STReam:STARt takes it, and it stops when the
    /// last of them stops or closes; what would change it for the others (another rate, *RST) is refused, naming them.
    /// Nothing here runs on a control tick: only when a line arrives.
    /// </summary>
    public sealed class SubSessions
    {
        /// <summary>Highest sub-session number.</summary>
        public const int Most = 16;

        private readonly ScpiSession _link;
        private readonly ScpiCommandTable _table;
        private readonly ScpiSession[] _sessions = new ScpiSession[Most + 1];
        private readonly string[] _names = new string[Most + 1];
        private int _consumers;

        /// <summary>The sub-sessions of <paramref name="link"/>'s link, running commands from <paramref name="table"/>.</summary>
        public SubSessions(ScpiSession link, ScpiCommandTable table)
        {
            _link = link;
            _table = table;
        }

        /// <summary>The link's own session.</summary>
        public ScpiSession Link { get { return _link; } }

        /// <summary>Sub-session <paramref name="n"/>, or null when it is not open.</summary>
        public ScpiSession Session(int n)
        {
            return n >= 1 && n <= Most ? _sessions[n] : null;
        }

        /// <summary>The number of <paramref name="session"/> here, or 0.</summary>
        public int NumberOf(ScpiSession session)
        {
            for (int n = 1; n <= Most; n++)
            {
                if (_sessions[n] == session)
                {
                    return n;
                }
            }
            return 0;
        }

        /// <summary>
        /// Opens sub-session <paramref name="n"/> afresh (closing one open under that number). <paramref name="powerOn"/>:
        /// it was open before a restart the board went through, so it reads PON as every session that stayed does.
        /// </summary>
        public ScpiSession Open(int n, bool powerOn)
        {
            ISerialPort port = _link.Port;
            ScpiSession session = new ScpiSession(_table, port, "@" + n.ToString() + " ");
            if (powerOn)
            {
                session.Status.SetEvent(StatusRegisters.PowerOn);
            }
            _sessions[n] = session;
            _consumers &= ~(1 << n);
            _names[n] = "session " + n.ToString();
            return session;
        }

        /// <summary>Closes sub-session <paramref name="n"/>; true when it took the stream (the caller stops a stream nobody takes any more).</summary>
        public bool Close(int n)
        {
            bool took = Takes(n);
            _consumers &= ~(1 << n);
            _sessions[n] = null;
            return took;
        }

        /// <summary>Names sub-session <paramref name="n"/> (as refusals that name the other consumers show it).</summary>
        public void Name(int n, string name)
        {
            _names[n] = name;
        }

        /// <summary>True when sub-session <paramref name="n"/> takes the stream.</summary>
        public bool Takes(int n)
        {
            return (_consumers & (1 << n)) != 0;
        }

        /// <summary>Sub-session <paramref name="n"/> takes the stream from now on, or no longer.</summary>
        public void Take(int n, bool takes)
        {
            _consumers = takes ? _consumers | (1 << n) : _consumers & ~(1 << n);
        }

        /// <summary>Sub-session <paramref name="n"/> started a new stream: it alone takes it.</summary>
        public void Started(int n)
        {
            _consumers = 1 << n;
        }

        /// <summary>True while any sub-session takes the stream.</summary>
        public bool AnyConsumer { get { return _consumers != 0; } }

        /// <summary>The names of the sub-sessions other than <paramref name="n"/> that take the stream, comma-separated; null when none does.</summary>
        public string OtherConsumers(int n)
        {
            string names = null;
            for (int i = 1; i <= Most; i++)
            {
                if (i != n && Takes(i))
                {
                    names = names == null ? _names[i] : names + ", " + _names[i];
                }
            }
            return names;
        }

        /// <summary>The open sub-sessions as number,"name",takes-the-stream triples, or NONE.</summary>
        public string List()
        {
            string list = null;
            for (int n = 1; n <= Most; n++)
            {
                if (_sessions[n] != null)
                {
                    string item = n.ToString() + ",\"" + _names[n] + "\"," + (Takes(n) ? "1" : "0");
                    list = list == null ? item : list + "," + item;
                }
            }
            return list == null ? "NONE" : list;
        }

        /// <summary>A device error: every open sub-session hears it.</summary>
        public void Report(int code, string detail)
        {
            for (int n = 1; n <= Most; n++)
            {
                if (_sessions[n] != null)
                {
                    _sessions[n].Report(code, detail);
                }
            }
        }
    }
}
