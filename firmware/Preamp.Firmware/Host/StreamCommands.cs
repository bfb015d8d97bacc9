// The STReam subtree: the converter rate, starting and stopping the sample stream, its statistics.
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Scpi;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>Registers STReam…; the stream belongs to the connection that started it.</summary>
    public static class StreamCommands
    {
        /// <summary>Adds the commands to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, Channels channels, Converter converter, StreamLink stream)
        {
            SampleStream blocks = stream.Stream;
            t.Add("STReam:RATE", 1, 1, 1, c => SetRate(c, channels, converter, stream));
            t.Add("STReam:RATE?", 0, 1, 1, c => { if (!c.AnsweredLimit(MinRate(), stream.MaxRate(c.Session.Port).ToString(), Converter.DefaultSampleRate.ToString())) c.Reply(converter.SampleRate.ToString()); });
            t.Add("STReam:RATE:MAXimum?", c => c.Reply(stream.MaxRate(c.Session.Port).ToString()));
            t.Add("STReam:STARt", c => Start(c, channels, converter, stream));
            t.Add("STReam:STOP", c => Stop(c, stream));
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

        private static void SetRate(ScpiCall c, Channels channels, Converter converter, StreamLink stream)
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
            if (stream.IsRunning)
            {
                c.Fail(ScpiError.SettingsConflict, "stop the stream first");
                return;
            }
            string problem = converter.SetRate(rate, channels.Ready);
            if (problem != null)
            {
                c.Fail(ScpiError.SettingsConflict, problem);
            }
        }

        private static void Start(ScpiCall c, Channels channels, Converter converter, StreamLink stream)
        {
            if (!channels.Ready)
            {
                c.Fail(ScpiError.HardwareError, "self-test failed: see *TST? and SYSTem:CONDition?");
                return;
            }
            if (stream.IsRunning)
            {
                if (stream.Owner != c.Session)
                {
                    c.Fail(ScpiError.SettingsConflict, "another connection is streaming");
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
            stream.Start(c.Session, c.Session.Port);
        }

        private static void Stop(ScpiCall c, StreamLink stream)
        {
            if (!stream.MayStop(c.Session))
            {
                c.Fail(ScpiError.SettingsConflict, "another connection is streaming: only it can stop the stream");
                return;
            }
            stream.Stop();
        }
    }
}
