// Gain automation on its own: clip safe and auto gain move the channels' gains from the meter and the OVR pins.
using nanoFramework.TestFramework;
using PreampFirmware.Control;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class GainAutomationTests
    {
        private const int FullScale = 8388608;

        private sealed class Rig
        {
            public readonly ChannelRig Channels = new ChannelRig();
            public readonly LevelMeter Meter = new LevelMeter();
            public readonly GainAutomation Automation;

            public Rig()
            {
                Meter.Configure(48000);
                Automation = new GainAutomation(Channels.Channels, Meter);
            }

            /// <summary>Runs <paramref name="ms"/> of 5 ms ticks, a tone of peak <paramref name="peak1"/> (fraction of full scale, at the current gain) on input 1.</summary>
            public void Run(int ms, double peak1, double peak2)
            {
                for (int t = 0; t < ms; t += 5)
                {
                    for (int i = 0; i < 4; i++) Meter.Add((int)(peak1 * (FullScale - 1)), (int)(peak2 * (FullScale - 1)));
                    Automation.Tick(5);
                }
            }
        }

        [TestMethod]
        public static void ClipSafeLowersTheGainWhenTheConverterClipsAndNeverRaisesIt()
        {
            Rig r = new Rig();
            r.Channels.Channels.SetGain(0, 40);
            r.Automation.SetClipSafe(0, true);
            r.Run(5, 0.999, 0);
            Assert.AreEqual(40 - ClipSafe.ClippedStepDb, r.Channels.Spi.GainOf(0));
            r.Run(200, 0.001, 0);
            Assert.AreEqual(30, r.Channels.Spi.GainOf(0), "reduce-only");
            Assert.AreEqual(1, r.Automation.ClipSafeOf(0).Reductions);
        }

        [TestMethod]
        public static void ClipSafeHearsTheOverloadPinWithoutASample()
        {
            Rig r = new Rig();
            r.Channels.Channels.SetGain(1, 50);
            r.Automation.SetClipSafe(1, true);
            r.Channels.Ovr2.Level = true;
            r.Automation.Tick(5);
            Assert.AreEqual(49, r.Channels.Spi.GainOf(1));
            Assert.AreEqual(0, r.Channels.Spi.GainOf(0));
        }

        [TestMethod]
        public static void AutoGainPutsTheLoudestPeakAtTheTarget()
        {
            Rig r = new Rig();
            r.Channels.Channels.SetGain(0, 20);
            AutoGain auto = r.Automation.AutoGainOf(0);
            auto.WindowMs = 1000;
            r.Automation.StartAutoGain(0);
            r.Run(1100, 0.01, 0);                     // −40 dBFS at 20 dB: −60 dB at the input
            Assert.AreEqual(AutoGainStatus.Success, auto.Status);
            Assert.AreEqual(48, r.Channels.Spi.GainOf(0), "−12 dBFS target + 60 dB");
        }

        [TestMethod]
        public static void ASecondRunOnSilenceIsTooQuietNotTheFirstRunsResult()
        {
            Rig r = new Rig();
            r.Channels.Channels.SetGain(0, 10);
            AutoGain auto = r.Automation.AutoGainOf(0);
            auto.WindowMs = 2000;
            r.Automation.StartAutoGain(0);
            r.Run(2100, 0.0316, 0);                   // −30 dBFS at 10 dB: −40 dB at the input, so 28 dB for −12 dBFS
            Assert.AreEqual(AutoGainStatus.Success, auto.Status);
            int first = r.Channels.Spi.GainOf(0);
            Assert.AreEqual(28, first);
            r.Automation.StartAutoGain(0);            // same gain: no gain change restarts the peak on its own
            r.Run(2100, 0.0000001, 0);                // the source is gone: −140 dBFS
            Assert.AreEqual(AutoGainStatus.TooQuiet, auto.Status);
            Assert.AreEqual(65, r.Channels.Spi.GainOf(0));
        }

        [TestMethod]
        public static void AManualGainCancelsAutoGainOnBothLinkedChannels()
        {
            Rig r = new Rig();
            r.Channels.Channels.SetLink(true);
            r.Automation.StartAutoGain(0);
            Assert.AreEqual(AutoGainStatus.Running, r.Automation.AutoGainOf(1).Status);
            r.Run(100, 0.01, 0.01);
            r.Channels.Channels.StepGain(1, 1);
            Assert.AreEqual(AutoGainStatus.Cancelled, r.Automation.AutoGainOf(0).Status);
            Assert.AreEqual(AutoGainStatus.Cancelled, r.Automation.AutoGainOf(1).Status);
        }

        [TestMethod]
        public static void LinkedClipSafeMovesBothByTheSmallerNeedKeepingTheOffset()
        {
            Rig r = new Rig();
            r.Channels.Channels.SetGain(0, 40);
            r.Channels.Channels.SetGain(1, 30);
            r.Channels.Channels.SetLink(true);
            r.Automation.SetClipSafe(0, true);
            r.Run(5, 0.999, 0.95);
            Assert.AreEqual(30, r.Channels.Spi.GainOf(0));
            Assert.AreEqual(20, r.Channels.Spi.GainOf(1));
        }

        [TestMethod]
        public static void ResetStopsEverythingWithTheDefaults()
        {
            Rig r = new Rig();
            r.Automation.AutoGainOf(0).WindowMs = 2000;
            r.Automation.AutoGainOf(1).TargetDbfs = -20;
            r.Automation.SetClipSafe(1, true);
            r.Automation.StartAutoGain(0);
            r.Automation.Reset();
            Assert.AreEqual(AutoGainStatus.Cancelled, r.Automation.AutoGainOf(0).Status);
            Assert.AreEqual(AutoGain.DefaultWindowMs, r.Automation.AutoGainOf(0).WindowMs);
            Assert.AreEqual(AutoGain.DefaultTargetDbfs, r.Automation.AutoGainOf(1).TargetDbfs);
            Assert.IsFalse(r.Automation.ClipSafeOf(1).Enabled);
        }
    }
}
