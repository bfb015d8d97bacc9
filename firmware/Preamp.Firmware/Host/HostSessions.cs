// The host connections: one SCPI session per link, sharing one command table.
using System.Collections;
using PreampFirmware.Hal;
using PreampFirmware.Health;
using PreampFirmware.Scpi;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>
    /// The SCPI sessions open on the board's host links, and the command table they share. Each session owns its error
    /// queue: its own command errors, plus the device errors raised while it is connected — a session opened later
    /// starts empty (what lasts is a condition it can query). A session that closes takes a stream it owned with it.
    /// A link may carry numbered sub-sessions ("@n LINE", <see cref="SubSessions"/>): a host hub's clients.
    /// </summary>
    public sealed class HostSessions : ISessionRouter
    {
        private readonly ScpiCommandTable _commands = new ScpiCommandTable();
        private readonly ArrayList _sessions = new ArrayList();
        private ScpiSession[] _open = new ScpiSession[0];
        private readonly ArrayList _links = new ArrayList();
        private readonly StreamLink _stream;
        private string _identity = "PreampFirmware,PA2-REVB,0,0.2.0";

        /// <summary>Sessions that hear <paramref name="errors"/> and stop <paramref name="stream"/> when its owner goes.</summary>
        public HostSessions(DeviceErrors errors, StreamLink stream)
        {
            _stream = stream;
            errors.Raised += OnDeviceError;
        }

        /// <summary>The command table every session uses; a simulator adds its SIMulation subtree here.</summary>
        public ScpiCommandTable Commands { get { return _commands; } }

        /// <summary>The *IDN? answer: manufacturer, model, serial number, firmware version.</summary>
        public string Identity
        {
            get { return _identity; }
            set { _identity = value; }
        }

        /// <summary>Sessions open now.</summary>
        public int Count { get { return _sessions.Count; } }

        /// <summary>Opens a SCPI session on a host link, with an empty error queue.</summary>
        public ScpiSession Attach(ISerialPort port)
        {
            ScpiSession session = new ScpiSession(_commands, port);
            session.Router = this;
            _sessions.Add(session);
            Snapshot();
            return session;
        }

        /// <summary>Closes a session (a TCP client went away); a stream it owned stops.</summary>
        public void Detach(ScpiSession session)
        {
            _stream.OwnerGone(session);
            SubSessions subs = SubsOf(session, false);
            if (subs != null)
            {
                _stream.OwnerGone(subs);
                _links.Remove(subs);
            }
            _sessions.Remove(session);
            Snapshot();
        }

        /// <summary>
        /// Power-on: every session connected now (the links that are there from power-on, and after a restart those that
        /// stayed connected) gets PON in its event register; a session opened later never does.
        /// </summary>
        public void PowerOn()
        {
            for (int i = 0; i < _sessions.Count; i++)
            {
                ((ScpiSession)_sessions[i]).Status.SetEvent(StatusRegisters.PowerOn);
            }
        }

        /// <summary>Runs every complete line each session has received.</summary>
        public void Poll()
        {
            ScpiSession[] open = _open;
            for (int i = 0; i < open.Length; i++)
            {
                open[i].Poll();
            }
        }

        /// <summary>The open sessions as a plain array, made when one opens or closes: the tick polls them without a cast each.</summary>
        private void Snapshot()
        {
            ScpiSession[] open = new ScpiSession[_sessions.Count];
            for (int i = 0; i < open.Length; i++)
            {
                open[i] = (ScpiSession)_sessions[i];
            }
            _open = open;
        }

        private void OnDeviceError(int code, string detail)
        {
            for (int i = 0; i < _sessions.Count; i++)
            {
                ((ScpiSession)_sessions[i]).Report(code, detail);
            }
            for (int i = 0; i < _links.Count; i++)
            {
                ((SubSessions)_links[i]).Report(code, detail);
            }
        }

        /// <summary>
        /// Runs an addressed line "@n LINE" in sub-session n of <paramref name="link"/>'s link. A number that is not open
        /// opens: the board lost it, which only a restart does, so it reads PON (a hub re-opens its clients' sessions so).
        /// </summary>
        public void Route(ScpiSession link, string line, int state)
        {
            int n = 0;
            int i = 1;
            while (i < line.Length && i < ScpiLineReader.AddressLength && line[i] >= '0' && line[i] <= '9')
            {
                n = n * 10 + (line[i] - '0');
                i++;
            }
            if (i == 1 || n < 1 || n > SubSessions.Most || (i < line.Length && line[i] != ' '))
            {
                link.PushError(ScpiError.SyntaxError, "bad session address: '@<1-" + SubSessions.Most.ToString() + "> LINE' runs LINE in that sub-session");
                return;
            }
            string rest = i < line.Length ? line.Substring(i + 1) : "";
            SubSessions subs = SubsOf(link, true);
            ScpiSession session = subs.Session(n);
            if (session == null)
            {
                session = subs.Open(n, true);
            }
            session.RunLine(rest, state == ScpiLineReader.Complete && rest.Length > ScpiSession.MaxLineLength ? ScpiLineReader.TooLong : state);
        }

        /// <summary>The sub-sessions on <paramref name="link"/>'s link (made when <paramref name="make"/>), or null.</summary>
        public SubSessions SubsOf(ScpiSession link, bool make)
        {
            for (int i = 0; i < _links.Count; i++)
            {
                SubSessions subs = (SubSessions)_links[i];
                if (subs.Link == link)
                {
                    return subs;
                }
            }
            if (!make)
            {
                return null;
            }
            SubSessions made = new SubSessions(link, _commands);
            _links.Add(made);
            return made;
        }

        /// <summary>The sub-sessions <paramref name="session"/> is one of, or null for a link's own session.</summary>
        public SubSessions GroupOf(ScpiSession session)
        {
            for (int i = 0; i < _links.Count; i++)
            {
                SubSessions subs = (SubSessions)_links[i];
                if (subs.NumberOf(session) > 0)
                {
                    return subs;
                }
            }
            return null;
        }

        /// <summary>Who the stream belongs to when <paramref name="session"/> starts it: a sub-session's link's sub-sessions together, else itself.</summary>
        public object StreamParty(ScpiSession session)
        {
            SubSessions subs = GroupOf(session);
            return subs == null ? (object)session : subs;
        }

        /// <summary>
        /// The names of the other clients a change of the stream by <paramref name="session"/> would reach (sub-sessions that
        /// take the stream with it), or null when it reaches no one else.
        /// </summary>
        public string OtherConsumers(ScpiSession session)
        {
            SubSessions subs = GroupOf(session);
            if (subs == null || _stream.Owner != subs)
            {
                return null;
            }
            return subs.OtherConsumers(subs.NumberOf(session));
        }

        /// <summary>Closes sub-session <paramref name="n"/> of <paramref name="link"/>'s link; the stream stops when no one takes it any more.</summary>
        public void CloseSub(ScpiSession link, int n)
        {
            SubSessions subs = SubsOf(link, false);
            if (subs != null && subs.Close(n) && !subs.AnyConsumer)
            {
                _stream.OwnerGone(subs);
            }
        }
    }
}
