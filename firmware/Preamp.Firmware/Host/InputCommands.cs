// The INPut subtree, presets and MEASure: what a person sets on each channel, and what the meters read.
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Scpi;
using PreampFirmware.Storage;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>Registers INPut…, *SAV, *RCL and MEASure:LEVel?; each handler validates, then calls the part that owns the state.</summary>
    public static class InputCommands
    {
        /// <summary>Adds the commands to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, Channels channels, GainAutomation automation, SettingsStore settings, FrontPanel panel, LevelMeter meter, PhantomLease lease)
        {
            int n = Channels.Count;
            InputChannel[] inputs = channels.Inputs;
            t.Add("INPut#:GAIN", 1, 1, n, c => SetGain(c, channels));
            t.Add("INPut#:GAIN?", 0, 1, n, c => { if (!c.AnsweredLimit("0", MaxGain, "0")) c.Reply(inputs[c.Suffix - 1].GainDb.ToString()); });
            t.Add("INPut#:PAD", 1, 1, n, c => { bool on; if (Ready(c, channels) && c.TryBoolean(0, out on)) channels.SetPad(c.Suffix - 1, on); });
            t.Add("INPut#:PAD?", 0, 0, n, c => c.Reply(ScpiFormat.Bit(inputs[c.Suffix - 1].Pad)));
            t.Add("INPut#:POLarity", 1, 1, n, c => SetPolarity(c, channels));
            t.Add("INPut#:POLarity?", 0, 0, n, c => c.Reply(inputs[c.Suffix - 1].Polarity ? "INV" : "NORM"));
            t.Add("INPut#:MUTE", 1, 1, n, c => { bool on; if (c.TryBoolean(0, out on)) channels.SetMute(c.Suffix - 1, on); });
            t.Add("INPut#:MUTE?", 0, 0, n, c => c.Reply(ScpiFormat.Bit(inputs[c.Suffix - 1].Mute)));
            t.Add("INPut#:PHANtom", 1, 1, n, c => { if (SetPhantom(c, channels, panel)) lease.End(c.Suffix - 1); });
            t.Add("INPut#:PHANtom?", 0, 0, n, c => c.Reply(ScpiFormat.Bit(inputs[c.Suffix - 1].Phantom)));
            t.Add("INPut#:PHANtom:LOCK", 1, 1, n, c => SetPhantomLock(c, channels, settings));
            t.Add("INPut#:PHANtom:LOCK?", 0, 0, n, c => c.Reply(ScpiFormat.Bit(inputs[c.Suffix - 1].PhantomLock)));
            t.Add("INPut#:PHANtom:TEST", 1, 1, n, c => PhantomTest(c, channels, panel, lease));
            t.Add("INPut#:PHANtom:TEST?", 0, 0, n, c => c.Reply(ScpiFormat.Fixed(lease.RemainingMs(c.Suffix - 1) / 1000.0, 2)));
            t.Add("DIAGnostic:LED", 1, 1, 1, c => TestLed(c, panel));
            t.Add("DIAGnostic:PANel?", c => c.Reply(panel.Counts[0].ToString() + "," + panel.Counts[1].ToString() + "," + panel.Counts[2].ToString() + "," + panel.Counts[3].ToString()));
            t.Add("INPut#:PHANtom:SETTled?", 0, 0, n, c => c.Reply(ScpiFormat.Bit(inputs[c.Suffix - 1].Settled)));
            t.Add("INPut#:GAIN:AUTO", 0, 0, n, c => { if (Ready(c, channels)) automation.StartAutoGain(c.Suffix - 1); });
            t.Add("INPut#:GAIN:AUTO:STATus?", 0, 0, n, c => c.Reply(AutoGainStatus.Name(automation.AutoGainOf(c.Suffix - 1).Status)));
            t.Add("INPut#:GAIN:AUTO:TIME", 1, 1, n, c => AutoTime(c, automation));
            t.Add("INPut#:GAIN:AUTO:TIME?", 0, 1, n, c => { if (!c.AnsweredLimit(Tenths(MinWindowS), Tenths(MaxWindowS), Tenths(AutoGain.DefaultWindowMs / 1000.0))) c.Reply(Tenths(automation.AutoGainOf(c.Suffix - 1).WindowMs / 1000.0)); });
            t.Add("INPut#:GAIN:AUTO:TARGet", 1, 1, n, c => AutoTarget(c, automation));
            t.Add("INPut#:GAIN:AUTO:TARGet?", 0, 1, n, c => { if (!c.AnsweredLimit(Tenths(MinTargetDbfs), Tenths(MaxTargetDbfs), Tenths(AutoGain.DefaultTargetDbfs))) c.Reply(Tenths(automation.AutoGainOf(c.Suffix - 1).TargetDbfs)); });
            t.Add("INPut#:CLIPsafe", 1, 1, n, c => { bool on; if (c.TryBoolean(0, out on)) automation.SetClipSafe(c.Suffix - 1, on); });
            t.Add("INPut#:CLIPsafe?", 0, 0, n, c => c.Reply(ScpiFormat.Bit(automation.ClipSafeOf(c.Suffix - 1).Enabled)));
            t.Add("INPut:LINK", 1, 1, 1, c => { bool on; if (c.TryBoolean(0, out on)) channels.SetLink(on); });
            t.Add("INPut:LINK?", c => c.Reply(ScpiFormat.Bit(channels.Linked)));
            t.Add("*SAV", 1, 1, 1, c => Preset(c, channels, settings, true));
            t.Add("*RCL", 1, 1, 1, c => Preset(c, channels, settings, false));
            t.Add("MEASure:LEVel?", 1, 1, 1, c => Level(c, channels, settings.Calibration, meter));
        }

        /// <summary>Shortest auto gain listening window, s.</summary>
        public const double MinWindowS = 0.5;
        /// <summary>Longest auto gain listening window, s.</summary>
        public const double MaxWindowS = 60;
        /// <summary>Lowest auto gain peak target, dBFS.</summary>
        public const double MinTargetDbfs = -40;
        /// <summary>Highest auto gain peak target, dBFS.</summary>
        public const double MaxTargetDbfs = -1;

        private static readonly string MaxGain = Pga2500Word.MaxGainDb.ToString();

        private static string Tenths(double value)
        {
            return ScpiFormat.Fixed(value, 1);
        }

        /// <summary>False, with -240 queued, when the board failed its self-test and stays safe.</summary>
        public static bool Ready(ScpiCall c, Channels channels)
        {
            if (!channels.Ready)
            {
                c.Fail(ScpiError.HardwareError, "the board failed its self-test and stays safe: see *TST? and SYSTem:CONDition?");
                return false;
            }
            return true;
        }

        private static void SetGain(ScpiCall c, Channels channels)
        {
            int channel = c.Suffix - 1;
            if (c.IsKeyword(0, "UP") || c.IsKeyword(0, "DOWN"))
            {
                // One step of the chip's gain table; linked, the next gain both inputs have, from either input alike.
                channels.StepGain(channel, c.IsKeyword(0, "UP") ? 1 : -1);
                return;
            }
            int target;
            if (!c.TryInteger(0, 0, Pga2500Word.MaxGainDb, 0, out target)) return;

            if (!Pga2500Chain.IsValidGain(target))
            {
                c.Fail(ScpiError.DataOutOfRange, "gain must be 0 or 10..65 dB, got " + target.ToString());
                return;
            }
            int offset = channels.Inputs[1].GainDb - channels.Inputs[0].GainDb;
            channels.SetGain(channel, target);
            if (channels.LastMoveClamped)
            {
                c.Fail(ScpiError.SettingsConflict, "linked inputs keep their " + offset.ToString() + " dB offset: input " + c.Suffix.ToString() + " went to " +
                                                   channels.Inputs[channel].GainDb.ToString() + " dB, not " + target.ToString() + " (the other input cannot follow)");
            }
        }

        private static void SetPolarity(ScpiCall c, Channels channels)
        {
            if (!Ready(c, channels)) return;
            if (c.IsKeyword(0, "NORMal")) channels.SetPolarity(c.Suffix - 1, false);
            else if (c.IsKeyword(0, "INVerted")) channels.SetPolarity(c.Suffix - 1, true);
            else c.Fail(ScpiError.IllegalParameterValue, "polarity is NORMal or INVerted");
        }

        /// <summary>INPut&lt;n&gt;:PHANtom ON|OFF; true when the request was taken (it ends a bench test's lease).</summary>
        private static bool SetPhantom(ScpiCall c, Channels channels, FrontPanel panel)
        {
            bool on;
            if (!Ready(c, channels) || !c.TryBoolean(0, out on)) return false;
            int channel = c.Suffix - 1;
            if (!channels.RequestPhantom(channel, on))
            {
                RefusePhantom(c, panel);
                return false;
            }
            return true;
        }

        private static void RefusePhantom(ScpiCall c, FrontPanel panel)
        {
            panel.SignalRefusal(c.Suffix - 1);
            c.Fail(ScpiError.SettingsConflict, "phantom is locked on input " + c.Suffix.ToString() + " (INPut" + c.Suffix.ToString() + ":PHANtom:LOCK OFF to allow it)");
        }

        /// <summary>INPut&lt;n&gt;:PHANtom:TEST &lt;s&gt;: phantom on for a bench test, off after &lt;s&gt; s unless sent again.</summary>
        private static void PhantomTest(ScpiCall c, Channels channels, FrontPanel panel, PhantomLease lease)
        {
            double s;
            if (!Ready(c, channels) || !c.TryNumber(0, PhantomLease.MinSeconds, PhantomLease.MaxSeconds, 5, out s)) return;
            if (s < PhantomLease.MinSeconds || s > PhantomLease.MaxSeconds)
            {
                c.Fail(ScpiError.DataOutOfRange, "a phantom test lasts 1..30 s (send it again to renew it)");
                return;
            }
            if (!lease.Start(c.Suffix - 1, (int)(s * 1000)))
            {
                RefusePhantom(c, panel);
            }
        }

        /// <summary>DIAGnostic:LED &lt;n&gt;: lights front-panel LED n alone for 5 s (0 shows the panel again).</summary>
        private static void TestLed(ScpiCall c, FrontPanel panel)
        {
            int led;
            if (!c.TryInteger(0, out led)) return;
            if (led < 0 || led > FrontPanel.TestLeds)
            {
                c.Fail(ScpiError.DataOutOfRange, "LEDs are 1..44 (0 shows the panel again)");
                return;
            }
            panel.ShowTestLed(led);
        }

        private static void SetPhantomLock(ScpiCall c, Channels channels, SettingsStore settings)
        {
            bool on;
            if (!c.TryBoolean(0, out on)) return;
            channels.SetPhantomLock(c.Suffix - 1, on);
            settings.SaveNow();   // a safety setting is written at once, not after the delay
        }

        private static void AutoTime(ScpiCall c, GainAutomation automation)
        {
            double s;
            if (!c.TryNumber(0, MinWindowS, MaxWindowS, AutoGain.DefaultWindowMs / 1000.0, out s)) return;
            if (s < MinWindowS || s > MaxWindowS)
            {
                c.Fail(ScpiError.DataOutOfRange, "listening window 0.5..60 s");
                return;
            }
            automation.AutoGainOf(c.Suffix - 1).WindowMs = (int)(s * 1000);
        }

        private static void AutoTarget(ScpiCall c, GainAutomation automation)
        {
            double dbfs;
            if (!c.TryNumber(0, MinTargetDbfs, MaxTargetDbfs, AutoGain.DefaultTargetDbfs, out dbfs)) return;
            if (dbfs < MinTargetDbfs || dbfs > MaxTargetDbfs)
            {
                c.Fail(ScpiError.DataOutOfRange, "peak target -40..-1 dBFS");
                return;
            }
            automation.AutoGainOf(c.Suffix - 1).TargetDbfs = dbfs;
        }

        private static void Preset(ScpiCall c, Channels channels, SettingsStore settings, bool save)
        {
            int n;
            if (!c.TryInteger(0, out n)) return;
            if (n < 1 || n > SettingsStore.Presets)
            {
                c.Fail(ScpiError.DataOutOfRange, "presets are 1.." + SettingsStore.Presets.ToString());
                return;
            }
            if (!save && !Ready(c, channels)) return;
            string problem = save ? settings.SavePreset(n) : settings.RecallPreset(n);
            if (problem != null)
            {
                c.Fail(save ? ScpiError.HardwareError : ScpiError.ExecutionError, problem);
            }
        }

        private static void Level(ScpiCall c, Channels channels, Calibration calibration, LevelMeter meter)
        {
            int channel;
            if (!c.TryInteger(0, out channel))
            {
                return;
            }
            if (channel < 1 || channel > Channels.Count)
            {
                c.Fail(ScpiError.DataOutOfRange, "channel must be 1 or 2");
                return;
            }
            channel--;
            double dbu = calibration.InputDbu(channel, meter.RmsDbfs(channel), channels.Gain.Channel(channel).GainDb, channels.Relays[channel].Pad.IsClosed, LevelMeter.Floor);
            c.Reply(ScpiFormat.Fixed(meter.PeakDbfs(channel), 2) + "," + ScpiFormat.Fixed(meter.RmsDbfs(channel), 2) + "," + ScpiFormat.Fixed(dbu, 2));
        }
    }
}
