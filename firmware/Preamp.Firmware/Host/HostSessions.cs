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
    /// </summary>
    public sealed class HostSessions
    {
        private readonly ScpiCommandTable _commands = new ScpiCommandTable();
        private readonly ArrayList _sessions = new ArrayList();
        private ScpiSession[] _open = new ScpiSession[0];
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
            _sessions.Add(session);
            Snapshot();
            return session;
        }

        /// <summary>Closes a session (a TCP client went away); a stream it owned stops.</summary>
        public void Detach(ScpiSession session)
        {
            _stream.OwnerGone(session);
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
        }
    }
}
