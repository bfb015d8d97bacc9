// SYSTem:SESSion: opening, naming and listing the numbered sub-sessions a host hub multiplexes on one link.
using PreampFirmware.Scpi;

namespace PreampFirmware.Host
{
    /// <summary>
    /// Registers SYSTem:SESSion…: the link's own session opens (<c>:OPEN n</c>) and closes (<c>:CLOSe n</c>) sub-session n,
    /// a sub-session names itself (<c>:NAME "capture (pid 4711)"</c>, shown where a refusal names the stream's other
    /// consumers), and any session of the link lists them (<c>:LIST?</c>: number,"name",takes-the-stream, or NONE).
    /// </summary>
    public static class SessionCommands
    {
        /// <summary>Longest name, characters.</summary>
        public const int MaxName = 40;

        /// <summary>Adds the commands to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, HostSessions hosts)
        {
            t.Add("SYSTem:SESSion:OPEN", 1, 1, 1, c => OpenOrClose(c, hosts, true));
            t.Add("SYSTem:SESSion:CLOSe", 1, 1, 1, c => OpenOrClose(c, hosts, false));
            t.Add("SYSTem:SESSion:NAME", 1, 1, 1, c => Name(c, hosts));
            t.Add("SYSTem:SESSion:LIST?", c => List(c, hosts));
        }

        private static void OpenOrClose(ScpiCall c, HostSessions hosts, bool open)
        {
            if (hosts.GroupOf(c.Session) != null)
            {
                c.Fail(ScpiError.SettingsConflict, "only the link's own session opens and closes sub-sessions");
                return;
            }
            int n;
            if (!c.TryInteger(0, out n))
            {
                return;
            }
            if (n < 1 || n > SubSessions.Most)
            {
                c.Fail(ScpiError.DataOutOfRange, "sub-sessions are numbered 1 to " + SubSessions.Most.ToString());
                return;
            }
            hosts.CloseSub(c.Session, n);
            if (open)
            {
                hosts.SubsOf(c.Session, true).Open(n, false);
            }
        }

        private static void Name(ScpiCall c, HostSessions hosts)
        {
            SubSessions subs = hosts.GroupOf(c.Session);
            if (subs == null)
            {
                c.Fail(ScpiError.SettingsConflict, "only a sub-session ('@n LINE') has a name");
                return;
            }
            string name = c.Text(0);
            if (name.Length == 0 || name.Length > MaxName || name.IndexOf('"') >= 0 || name.IndexOf(',') >= 0 || name.IndexOf(';') >= 0)
            {
                c.Fail(ScpiError.IllegalParameterValue, "a name is 1 to " + MaxName.ToString() + " characters without quotes, commas or semicolons");
                return;
            }
            subs.Name(subs.NumberOf(c.Session), name);
        }

        private static void List(ScpiCall c, HostSessions hosts)
        {
            SubSessions subs = hosts.GroupOf(c.Session);
            if (subs == null)
            {
                subs = hosts.SubsOf(c.Session, false);
            }
            c.Reply(subs == null ? "NONE" : subs.List());
        }
    }
}
