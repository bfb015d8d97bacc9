// The host command tree (DESIGN §5): IEEE 488.2 common commands, SYSTem, INPut, STReam and MEASure.
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Scpi;

namespace PreampFirmware
{
    /// <summary>Registers the firmware's commands on a table; each handler validates, then calls <see cref="Preamp"/>.</summary>
    public static class PreampCommands
    {
        /// <summary>Adds every command of the v1 host contract to <paramref name="t"/>.</summary>
        public static void Register(Preamp p, ScpiCommandTable t)
        {
            int ch = Preamp.Channels;

            t.Add("*IDN?", c => c.Reply(p.Identity));
            t.Add("*OPC?", c => c.Reply("1"));
            t.Add("*OPC", c => { });
            t.Add("*WAI", c => { });
            t.Add("*ESR?", c => c.Reply("0"));
            t.Add("*CLS", c => c.Session.Errors.Clear());
            t.Add("*RST", c => Reset(p, c));
            t.Add("*TST?", c => SelfTest(p, c));

            t.Add("SYSTem:ERRor?", c => c.Reply(c.Session.Errors.Pop()));
            t.Add("SYSTem:ERRor:NEXT?", c => c.Reply(c.Session.Errors.Pop()));
            t.Add("SYSTem:ERRor:COUNt?", c => c.Reply(c.Session.Errors.Count.ToString()));
            t.Add("SYSTem:VERSion?", c => c.Reply("1999.0"));

            t.Add("INPut#:GAIN", 1, 1, ch, c => SetGain(p, c));
            t.Add("INPut#:GAIN?", 0, 0, ch, c => c.Reply(p.Inputs[c.Suffix - 1].GainDb.ToString()));
            t.Add("INPut#:PAD", 1, 1, ch, c => { bool on; if (Ready(p, c) && c.TryBoolean(0, out on)) p.SetPad(c.Suffix - 1, on); });
            t.Add("INPut#:PAD?", 0, 0, ch, c => c.Reply(Bit(p.Inputs[c.Suffix - 1].Pad)));
            t.Add("INPut#:POLarity", 1, 1, ch, c => SetPolarity(p, c));
            t.Add("INPut#:POLarity?", 0, 0, ch, c => c.Reply(p.Inputs[c.Suffix - 1].Polarity ? "INV" : "NORM"));
            t.Add("INPut#:MUTE", 1, 1, ch, c => { bool on; if (c.TryBoolean(0, out on)) p.SetMute(c.Suffix - 1, on); });
            t.Add("INPut#:MUTE?", 0, 0, ch, c => c.Reply(Bit(p.Inputs[c.Suffix - 1].Mute)));
            t.Add("INPut#:PHANtom", 1, 1, ch, c => SetPhantom(p, c));
            t.Add("INPut#:PHANtom?", 0, 0, ch, c => c.Reply(Bit(p.Inputs[c.Suffix - 1].Phantom)));
            t.Add("INPut#:PHANtom:LOCK", 1, 1, ch, c => { bool on; if (c.TryBoolean(0, out on)) p.SetPhantomLock(c.Suffix - 1, on); });
            t.Add("INPut#:PHANtom:LOCK?", 0, 0, ch, c => c.Reply(Bit(p.Inputs[c.Suffix - 1].PhantomLock)));
            t.Add("INPut#:PHANtom:SETTled?", 0, 0, ch, c => c.Reply(Bit(p.Inputs[c.Suffix - 1].Settled)));
            t.Add("INPut#:GAIN:AUTO", 0, 0, ch, c => { if (Ready(p, c)) p.StartAutoGain(c.Suffix - 1); });
            t.Add("INPut#:GAIN:AUTO:STATus?", 0, 0, ch, c => c.Reply(AutoGainStatus.Name(p.AutoGainOf(c.Suffix - 1).Status)));
            t.Add("INPut#:GAIN:AUTO:TIME", 1, 1, ch, c => AutoTime(p, c));
            t.Add("INPut#:GAIN:AUTO:TIME?", 0, 0, ch, c => c.Reply(Fixed(p.AutoGainOf(c.Suffix - 1).WindowMs / 1000.0, 1)));
            t.Add("INPut#:GAIN:AUTO:TARGet", 1, 1, ch, c => AutoTarget(p, c));
            t.Add("INPut#:GAIN:AUTO:TARGet?", 0, 0, ch, c => c.Reply(Fixed(p.AutoGainOf(c.Suffix - 1).TargetDbfs, 1)));
            t.Add("INPut#:CLIPsafe", 1, 1, ch, c => { bool on; if (c.TryBoolean(0, out on)) p.SetClipSafe(c.Suffix - 1, on); });
            t.Add("INPut#:CLIPsafe?", 0, 0, ch, c => c.Reply(Bit(p.ClipSafeOf(c.Suffix - 1).Enabled)));
            t.Add("INPut:LINK", 1, 1, 1, c => { bool on; if (c.TryBoolean(0, out on)) p.SetLink(on); });
            t.Add("INPut:LINK?", c => c.Reply(Bit(p.Linked)));
            t.Add("*SAV", 1, 1, 1, c => Preset(p, c, true));
            t.Add("*RCL", 1, 1, 1, c => Preset(p, c, false));

            t.Add("STReam:RATE", 1, 1, 1, c => SetRate(p, c));
            t.Add("STReam:RATE?", c => c.Reply(p.SampleRate.ToString()));
            t.Add("STReam:RATE:MAXimum?", c => c.Reply(p.MaxStreamRate(c.Session.Port).ToString()));
            t.Add("STReam:STARt", c => Start(p, c));
            t.Add("STReam:STOP", c => p.StopStream());
            t.Add("STReam:ACTive?", c => c.Reply(p.Stream.IsRunning ? "1" : "0"));
            t.Add("STReam:STATistics?", c => c.Reply(p.Stream.FramesSent.ToString() + "," + (p.Stream.FramesDroppedForLink + p.Stream.FramesLostByConverter).ToString() + "," +
                                                       Fixed(p.Loop.ActualRate, 1) + "," + p.Stream.FramesLostByConverter.ToString() + "," + p.Stream.FramesDroppedForLink.ToString()));
            t.Add("STReam:BLOCk?", c => c.Reply(p.Stream.FramesPerBlock.ToString()));

            t.Add("MEASure:LEVel?", 1, 1, 1, c => Level(p, c));
        }

        private static void Reset(Preamp p, ScpiCall c)
        {
            p.ResetSettings();
        }

        private static string Bit(bool v)
        {
            return v ? "1" : "0";
        }

        private static bool Ready(Preamp p, ScpiCall c)
        {
            if (!p.IsReady)
            {
                c.Fail(ScpiError.HardwareError, "the board failed its self-test and stays safe: see *TST? and SYSTem:ERRor?");
                return false;
            }
            return true;
        }

        private static void AutoTime(Preamp p, ScpiCall c)
        {
            double s;
            if (!c.TryNumber(0, out s)) return;
            if (s < 0.5 || s > 60)
            {
                c.Fail(ScpiError.DataOutOfRange, "listening window 0.5..60 s");
                return;
            }
            p.AutoGainOf(c.Suffix - 1).WindowMs = (int)(s * 1000);
        }

        private static void AutoTarget(Preamp p, ScpiCall c)
        {
            double dbfs;
            if (!c.TryNumber(0, out dbfs)) return;
            if (dbfs < -40 || dbfs > -1)
            {
                c.Fail(ScpiError.DataOutOfRange, "peak target -40..-1 dBFS");
                return;
            }
            p.AutoGainOf(c.Suffix - 1).TargetDbfs = dbfs;
        }

        private static void SetPolarity(Preamp p, ScpiCall c)
        {
            if (!Ready(p, c)) return;
            if (c.IsKeyword(0, "NORMal")) p.SetPolarity(c.Suffix - 1, false);
            else if (c.IsKeyword(0, "INVerted")) p.SetPolarity(c.Suffix - 1, true);
            else c.Fail(ScpiError.IllegalParameterValue, "polarity is NORMal or INVerted");
        }

        private static void SetPhantom(Preamp p, ScpiCall c)
        {
            bool on;
            if (!Ready(p, c) || !c.TryBoolean(0, out on)) return;
            int channel = c.Suffix - 1;
            if (!p.RequestPhantom(channel, on))
            {
                p.Panel.SignalRefusal(channel);
                c.Fail(ScpiError.SettingsConflict, "phantom is locked on input " + c.Suffix.ToString() + " (INPut" + c.Suffix.ToString() + ":PHANtom:LOCK OFF to allow it)");
            }
        }

        private static void Preset(Preamp p, ScpiCall c, bool save)
        {
            int n;
            if (!c.TryInteger(0, out n)) return;
            if (n < 1 || n > Preamp.Presets)
            {
                c.Fail(ScpiError.DataOutOfRange, "presets are 1.." + Preamp.Presets.ToString());
                return;
            }
            if (!save && !Ready(p, c)) return;
            string problem = save ? p.SavePreset(n) : p.RecallPreset(n);
            if (problem != null)
            {
                c.Fail(save ? ScpiError.HardwareError : ScpiError.ExecutionError, problem);
            }
        }

        private static void SelfTest(Preamp p, ScpiCall c)
        {
            if (p.Stream.IsRunning)
            {
                c.Fail(ScpiError.SettingsConflict, "stop the stream before a self-test");
                return;
            }
            c.Reply(p.RunSelfTest().ToString());
        }

        private static void SetGain(Preamp p, ScpiCall c)
        {
            int channel = c.Suffix - 1;
            int target;
            if (c.IsKeyword(0, "MINimum")) target = 0;
            else if (c.IsKeyword(0, "MAXimum")) target = Pga2500Word.MaxGainDb;
            else if (c.IsKeyword(0, "UP")) { p.StepGain(channel, 1); return; }
            else if (c.IsKeyword(0, "DOWN")) { p.StepGain(channel, -1); return; }
            else if (!c.TryInteger(0, out target)) return;

            if (!Pga2500Chain.IsValidGain(target))
            {
                c.Fail(ScpiError.DataOutOfRange, "gain must be 0 or 10..65 dB, got " + target.ToString());
                return;
            }
            p.SetGain(channel, target);
        }

        private static void SetRate(Preamp p, ScpiCall c)
        {
            int rate;
            if (!c.TryInteger(0, out rate))
            {
                return;
            }
            if (!Pcm1863.IsSupportedRate(rate))
            {
                c.Fail(ScpiError.DataOutOfRange, "rate must be one of " + Preamp.RateList() + " (the PCM1863's rates as a BCK-PLL slave)");
                return;
            }
            int max = p.MaxStreamRate(c.Session.Port);
            if (rate > max)
            {
                c.Fail(ScpiError.DataOutOfRange, max == 0 ? "this link (" + (c.Session.Port.BytesPerSecond * 10).ToString() + " baud) cannot stream at any rate"
                                                          : "the link carries at most " + max.ToString() + " S/s (" + (c.Session.Port.BytesPerSecond * 10).ToString() + " baud)");
                return;
            }
            string problem = p.SetSampleRate(rate);
            if (problem != null)
            {
                c.Fail(ScpiError.SettingsConflict, problem);
            }
        }

        private static void Start(Preamp p, ScpiCall c)
        {
            if (!p.IsReady)
            {
                c.Fail(ScpiError.HardwareError, "self-test failed: see *TST? and SYSTem:ERRor?");
                return;
            }
            if (p.Stream.IsRunning && p.StreamOwner != c.Session)
            {
                c.Fail(ScpiError.SettingsConflict, "another connection is streaming");
                return;
            }
            if (p.SampleRate > p.MaxStreamRate(c.Session.Port))
            {
                c.Fail(ScpiError.SettingsConflict, "the link carries at most " + p.MaxStreamRate(c.Session.Port).ToString() + " S/s; lower STReam:RATE");
                return;
            }
            p.StartStream(c.Session);
        }

        private static void Level(Preamp p, ScpiCall c)
        {
            int channel;
            if (!c.TryInteger(0, out channel))
            {
                return;
            }
            if (channel < 1 || channel > Preamp.Channels)
            {
                c.Fail(ScpiError.DataOutOfRange, "channel must be 1 or 2");
                return;
            }
            channel--;
            c.Reply(Fixed(p.Meter.PeakDbfs(channel), 2) + "," + Fixed(p.Meter.RmsDbfs(channel), 2) + "," + Fixed(p.InputDbu(channel), 2));
        }

        /// <summary>A number with a fixed count of decimals, without culture or format-string dependence.</summary>
        public static string Fixed(double value, int decimals)
        {
            double scale = 1;
            for (int i = 0; i < decimals; i++) scale *= 10;
            bool negative = value < 0;
            long units = (long)System.Math.Floor(System.Math.Abs(value) * scale + 0.5);
            if (units == 0) negative = false;
            long whole = units / (long)scale;
            long frac = units % (long)scale;
            string s = (negative ? "-" : "") + whole.ToString();
            if (decimals > 0)
            {
                string f = frac.ToString();
                while (f.Length < decimals) f = "0" + f;
                s = s + "." + f;
            }
            return s;
        }
    }
}
