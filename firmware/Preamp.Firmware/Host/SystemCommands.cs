// IEEE 488.2 common commands, SYSTem and STATus: identity, reset, self-test, error queue, conditions.
using PreampFirmware.Control;
using PreampFirmware.Health;
using PreampFirmware.Scpi;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>Registers the common commands and the SYSTem and STATus subtrees.</summary>
    public static class SystemCommands
    {
        /// <summary>Adds the commands to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, HostSessions hosts, Channels channels, GainAutomation automation, StreamLink stream,
                                    SelfTest selfTest, BoardCondition condition)
        {
            t.Add("*IDN?", c => c.Reply(hosts.Identity));
            t.Add("*OPC?", c => c.Reply("1"));
            t.Add("*OPC", c => c.Session.Status.SetEvent(StatusRegisters.OperationComplete));   // every command completes before the next runs
            t.Add("*WAI", c => { });
            t.Add("*ESR?", c => c.Reply(c.Session.Status.ReadEvent().ToString()));
            t.Add("*ESE", 1, 1, 1, c => { int m; if (Mask(c, out m)) c.Session.Status.EventEnable = m; });
            t.Add("*ESE?", c => c.Reply(c.Session.Status.EventEnable.ToString()));
            t.Add("*SRE", 1, 1, 1, c => { int m; if (Mask(c, out m)) c.Session.Status.ServiceEnable = m; });
            t.Add("*SRE?", c => c.Reply(c.Session.Status.ServiceEnable.ToString()));
            t.Add("*STB?", c => c.Reply(c.Session.Status.StatusByte(c.Session.Errors.Count > 0, c.Session.AnswerWaiting).ToString()));
            t.Add("*CLS", c => { c.Session.Errors.Clear(); c.Session.Status.ClearEvent(); });
            t.Add("*RST", c => Reset(c, hosts, channels, automation, stream));
            t.Add("*TST?", c => SelfTest(c, hosts, stream, selfTest));

            t.Add("SYSTem:ERRor?", c => c.Reply(c.Session.Errors.Pop()));
            t.Add("SYSTem:ERRor:NEXT?", c => c.Reply(c.Session.Errors.Pop()));
            t.Add("SYSTem:ERRor:COUNt?", c => c.Reply(c.Session.Errors.Count.ToString()));
            t.Add("SYSTem:VERSion?", c => c.Reply("1999.0"));
            t.Add("SYSTem:COMMunicate:OVERruns?", c => c.Reply(c.Session.InputBytesLost.ToString()));
            t.Add("SYSTem:CONDition?", c => c.Reply(condition.Describe()));
            t.Add("STATus:QUEStionable:CONDition?", c => c.Reply(condition.Bits.ToString()));
            SessionCommands.Register(t, hosts);
        }

        private static bool Mask(ScpiCall c, out int mask)
        {
            if (!c.TryInteger(0, out mask)) return false;
            if (mask < 0 || mask > 255)
            {
                c.Fail(ScpiError.DataOutOfRange, "a register mask is 0..255, got " + mask.ToString());
                return false;
            }
            return true;
        }

        /// <summary>
        /// *RST: gain 0 dB, pad and polarity off, unmuted, phantom off (sequenced), unlinked, clip safe off, auto gain
        /// stopped with its defaults, the stream stopped. Phantom and calibration locks stay. Refused whole while another
        /// connection streams (it would stop their stream).
        /// </summary>
        private static void Reset(ScpiCall c, HostSessions hosts, Channels channels, GainAutomation automation, StreamLink stream)
        {
            string others = hosts.OtherConsumers(c.Session);
            if (!stream.MayStop(hosts.StreamParty(c.Session)) || others != null)
            {
                c.Fail(ScpiError.SettingsConflict, others == null ? "another connection is streaming: *RST would stop its stream" : "the stream also feeds " + others + ": *RST would stop it for them");
                return;
            }
            stream.Stop();
            automation.Reset();
            channels.ResetToDefaults();
        }

        private static void SelfTest(ScpiCall c, HostSessions hosts, StreamLink stream, SelfTest selfTest)
        {
            if (stream.IsRunning)
            {
                string others = hosts.OtherConsumers(c.Session);
                c.Fail(ScpiError.SettingsConflict, others == null ? "stop the stream before a self-test" : "the stream also feeds " + others + ": a self-test would stop it for them");
                return;
            }
            c.Reply(selfTest.Run().ToString());
        }
    }
}
