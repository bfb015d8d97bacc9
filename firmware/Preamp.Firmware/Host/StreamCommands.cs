// The STReam subtree: the converter rate, starting and stopping the sample stream, its statistics.
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Scpi;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>
    /// Registers STReam…; the stream belongs to the connection that started it, or, started by a sub-session, to the
    /// sub-sessions of its link that take it (<see cref="SubSessions"/>).
    /// </summary>
    public static class StreamCommands
    {
        /// <summary>Adds the commands to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, HostSessions hosts, Channels channels, Converter converter, StreamLink stream)
        {
            SampleStream blocks = stream.Stream;
            t.Add("STReam:RATE", 1, 1, 1, c => SetRate(c, hosts, channels, converter, stream));
            t.Add("STReam:RATE?", 0, 1, 1, c => { if (!c.AnsweredLimit(MinRate(), stream.MaxRate(c.Session.Port).ToString(), Converter.DefaultSampleRate.ToString())) c.Reply(converter.SampleRate.ToString()); });
            t.Add("STReam:RATE:MAXimum?", c => c.Reply(stream.MaxRate(c.Session.Port).ToString()));
            t.Add("STReam:STARt", c => Start(c, hosts, channels, converter, stream));
            t.Add("STReam:STOP", c => Stop(c, hosts, stream));
            t.Add("STReam:ACTive?", c => c.Reply(ScpiFormat.Bit(stream.IsRunning)));
            t.Add("STReam:STATistics?", c => c.Reply(blocks.FramesSent.ToString() + "," + (blocks.FramesDroppedForLink + blocks.FramesLostByConverter).ToString() + "," +
                                                       ScpiFormat.Fixed(converter.Loop.ActualRate, 1) + "," + blocks.FramesLostByConverter.ToString() + "," +
                                                       blocks.FramesDroppedForLink.ToString()));
            t.Add("STReam:BLOCk?", c => c.Reply(blocks.FramesPerBlock.ToString()));
        }

        /// <summary>The converter rates, comma-separated.</summary>
        public static string RateList()
        {
            int[] rates = Pcm1863.SupportedRates();
            string list = "";
            for (int i = 0; i < rates.Length; i++)
            {
                list = list + (i == 0 ? "" : ", ") + rates[i].ToString();
            }
            return list;
        }

        private static string MinRate()
        {
            return Pcm1863.SupportedRates()[0].ToString();
        }

        private static string Baud(ScpiCall c)
        {
            return (c.Session.Port.BytesPerSecond * 10).ToString() + " baud";
        }

        private static void SetRate(ScpiCall c, HostSessions hosts, Channels channels, Converter converter, StreamLink stream)
        {
            int rate;
            if (!c.TryInteger(0, Pcm1863.SupportedRates()[0], stream.MaxRate(c.Session.Port), Converter.DefaultSampleRate, out rate))
            {
                return;
            }
            if (!Pcm1863.IsSupportedRate(rate))
            {
                c.Fail(ScpiError.DataOutOfRange, "rate must be one of " + RateList() + " (the PCM1863's rates as a BCK-PLL slave)");
                return;
            }
            int max = stream.MaxRate(c.Session.Port);
            if (rate > max)
            {
                c.Fail(ScpiError.DataOutOfRange, max == 0 ? "this link (" + Baud(c) + ") cannot stream at any rate"
                                                          : "the link carries at most " + max.ToString() + " S/s (" + Baud(c) + ")");
                return;
            }
            if (stream.IsRunning && rate != converter.SampleRate)
            {
                string others = hosts.OtherConsumers(c.Session);
                c.Fail(ScpiError.SettingsConflict, others == null ? "stop the stream first" : "the stream also feeds " + others + ": a new rate would change it for them");
                return;
            }
            if (stream.IsRunning)
            {
                return;   // the rate it runs at: nothing changes
            }
            string problem = converter.SetRate(rate, channels.Ready);
            if (problem != null)
            {
                c.Fail(ScpiError.SettingsConflict, problem);
            }
        }

        private static void Start(ScpiCall c, HostSessions hosts, Channels channels, Converter converter, StreamLink stream)
        {
            if (!channels.Ready)
            {
                c.Fail(ScpiError.HardwareError, "self-test failed: see *TST? and SYSTem:CONDition?");
                return;
            }
            object party = hosts.StreamParty(c.Session);
            SubSessions subs = party as SubSessions;
            if (stream.IsRunning)
            {
                if (stream.Owner != party)
                {
                    c.Fail(ScpiError.SettingsConflict, "another connection is streaming");
                }
                else if (subs != null)
                {
                    subs.Take(subs.NumberOf(c.Session), true);   // one more client of the link takes the running stream
                }
                return;   // already streaming to this connection: it goes on, its frame numbers unbroken
            }
            int max = stream.MaxRate(c.Session.Port);
            if (converter.SampleRate > max)
            {
                c.Fail(ScpiError.SettingsConflict, "the link carries at most " + max.ToString() + " S/s; lower STReam:RATE");
                return;
            }
            string framing = converter.FramingBeforeStream();
            if (framing != null)
            {
                c.Fail(ScpiError.HardwareError, framing);
                return;
            }
            stream.Start(party, c.Session.Port);
            if (subs != null)
            {
                subs.Started(subs.NumberOf(c.Session));
            }
        }

        private static void Stop(ScpiCall c, HostSessions hosts, StreamLink stream)
        {
            object party = hosts.StreamParty(c.Session);
            SubSessions subs = party as SubSessions;
            if (subs != null && stream.IsRunning && stream.Owner == subs)
            {
                subs.Take(subs.NumberOf(c.Session), false);   // a client that did not take it has nothing to stop
                if (!subs.AnyConsumer)
                {
                    stream.Stop();
                }
                return;
            }
            if (!stream.MayStop(party))
            {
                c.Fail(ScpiError.SettingsConflict, "another connection is streaming: only it can stop the stream");
                return;
            }
            stream.Stop();
        }
    }
}
