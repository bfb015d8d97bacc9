// Auto gain's listening window and clip safe on their own, tick by tick: hold-off, overload steps, the end of the
// window, the gain it asks for at every edge, and clip safe's reductions at theirs.
using nanoFramework.TestFramework;
using PreampFirmware.Control;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class AutoGainWindowTests
    {
        private static AutoGain Started(int windowMs)
        {
            AutoGain a = new AutoGain();
            a.WindowMs = windowMs;
            a.Start();
            return a;
        }

        [TestMethod]
        public static void StatusesHaveTheirScpiNames()
        {
            Assert.AreEqual("IDLE", AutoGainStatus.Name(AutoGainStatus.Idle));
            Assert.AreEqual("RUNNING", AutoGainStatus.Name(AutoGainStatus.Running));
            Assert.AreEqual("SUCCESS", AutoGainStatus.Name(AutoGainStatus.Success));
            Assert.AreEqual("TOO_QUIET", AutoGainStatus.Name(AutoGainStatus.TooQuiet));
            Assert.AreEqual("CLIPPED", AutoGainStatus.Name(AutoGainStatus.Clipped));
            Assert.AreEqual("CANCELLED", AutoGainStatus.Name(AutoGainStatus.Cancelled));
            Assert.AreEqual("IDLE", AutoGainStatus.Name(99));
        }

        [TestMethod]
        public static void TheFirstReadingAfterTheHoldOffCountsAndTheWindowEndsOnTime()
        {
            AutoGain a = Started(AutoGain.HoldoffMs + 1);
            Assert.AreEqual(-1, a.Tick(AutoGain.HoldoffMs, -5.0, false, 30));   // held off: a loud reading is not heard
            Assert.IsFalse(a.HoldingOff);
            // -20 dBFS at 30 dB: -50 at the input; the -12 dBFS target wants 38 dB. The window ends on this tick.
            Assert.AreEqual(38, a.Tick(1, -20.0, false, 30));
            Assert.AreEqual(AutoGainStatus.Success, a.Status);
            Assert.AreEqual(-1, a.Tick(5, -20.0, false, 38), "a finished window asks for nothing");
        }

        [TestMethod]
        public static void AGainChangeHoldsTheReadingsOffAgain()
        {
            AutoGain a = Started(1000);
            a.Tick(AutoGain.HoldoffMs, -60.0, false, 30);
            a.Tick(5, -40.0, false, 30);                        // heard: -70 at the input
            a.GainChanged();
            Assert.IsTrue(a.HoldingOff);
            a.Tick(AutoGain.HoldoffMs - 5, -1.5, false, 30);    // the old gain's audio: not heard
            Assert.IsTrue(a.HoldingOff);
            // The -1.5 dBFS reading under the old gain would have asked for 20 dB; the -70 dB input asks for 58.
            Assert.AreEqual(58, a.Tick(1000, -40.0, false, 30));
            Assert.AreEqual(AutoGainStatus.Success, a.Status);
        }

        [TestMethod]
        public static void TheTargetSetsTheGain()
        {
            AutoGain a = Started(AutoGain.HoldoffMs + 5);
            a.TargetDbfs = -6.0;
            Assert.AreEqual(-6.0, a.TargetDbfs);
            a.Tick(AutoGain.HoldoffMs, -30.0, false, 20);
            Assert.AreEqual(44, a.Tick(5, -30.0, false, 20));    // -50 at the input, -6 dBFS wanted
        }

        [TestMethod]
        public static void AnOverloadLowersTenDecibelsAtOnceByPinOrByPeak()
        {
            AutoGain pin = Started(5000);
            pin.Tick(AutoGain.HoldoffMs, -30.0, false, 40);
            Assert.AreEqual(30, pin.Tick(5, -30.0, true, 40), "the OVR pin alone");
            Assert.IsTrue(pin.HoldingOff);
            AutoGain peak = Started(5000);
            peak.Tick(AutoGain.HoldoffMs, -30.0, false, 40);
            Assert.AreEqual(30, peak.Tick(5, AutoGain.OverloadDbfs, false, 40), "a peak at the threshold");
            AutoGain below = Started(5000);
            below.Tick(AutoGain.HoldoffMs, -30.0, false, 40);
            Assert.AreEqual(-1, below.Tick(5, -1.01, false, 40));
            // Below 20 dB the step ends at 0 dB (the chip has nothing between 0 and 10).
            AutoGain at20 = Started(5000);
            at20.Tick(AutoGain.HoldoffMs, -30.0, false, 20);
            Assert.AreEqual(10, at20.Tick(5, 0.0, false, 20));
            AutoGain at15 = Started(5000);
            at15.Tick(AutoGain.HoldoffMs, -30.0, false, 15);
            Assert.AreEqual(0, at15.Tick(5, 0.0, false, 15));
        }

        [TestMethod]
        public static void AnOverloadAtZeroDecibelsEndsClipped()
        {
            AutoGain a = Started(AutoGain.HoldoffMs + 10);
            a.Tick(AutoGain.HoldoffMs, 0.0, true, 0);
            Assert.AreEqual(-1, a.Tick(5, 0.0, true, 0), "nothing lower to go to");
            Assert.AreEqual(-1, a.Tick(5, 0.0, true, 0), "already at 0 dB: nothing to set");
            Assert.AreEqual(AutoGainStatus.Clipped, a.Status);
            AutoGain raised = Started(AutoGain.HoldoffMs + 10);
            raised.Tick(AutoGain.HoldoffMs, 0.0, true, 0);
            raised.Tick(5, 0.0, true, 0);
            Assert.AreEqual(0, raised.Tick(5, -30.0, false, 20), "raised meanwhile: back to 0 dB");
            Assert.AreEqual(AutoGainStatus.Clipped, raised.Status);
        }

        [TestMethod]
        public static void SilenceAndTooLittleSignalEndTooQuietAt65()
        {
            AutoGain silence = Started(AutoGain.HoldoffMs + 5);
            silence.Tick(AutoGain.HoldoffMs, -200.0, false, 65);
            Assert.AreEqual(65, silence.Tick(5, -200.0, false, 65));
            Assert.AreEqual(AutoGainStatus.TooQuiet, silence.Status);
            // Wanting exactly 65.5 dB rounds to 65 and succeeds; a hair more is too quiet.
            AutoGain edge = Started(AutoGain.HoldoffMs + 5);
            edge.Tick(AutoGain.HoldoffMs, -77.5, false, 0);
            Assert.AreEqual(65, edge.Tick(5, -77.5, false, 0));
            Assert.AreEqual(AutoGainStatus.Success, edge.Status);
            AutoGain beyond = Started(AutoGain.HoldoffMs + 5);
            beyond.Tick(AutoGain.HoldoffMs, -77.6, false, 0);
            Assert.AreEqual(65, beyond.Tick(5, -77.6, false, 0));
            Assert.AreEqual(AutoGainStatus.TooQuiet, beyond.Status);
        }

        [TestMethod]
        public static void TheNearestGainTheChipCanTake()
        {
            Assert.AreEqual(0, AutoGain.Nearest(4.4));
            Assert.AreEqual(10, AutoGain.Nearest(4.5));
            Assert.AreEqual(10, AutoGain.Nearest(5.0));
            Assert.AreEqual(10, AutoGain.Nearest(7.0));
            Assert.AreEqual(10, AutoGain.Nearest(10.4));
            Assert.AreEqual(11, AutoGain.Nearest(10.5));
            Assert.AreEqual(65, AutoGain.Nearest(64.5));
            Assert.AreEqual(65, AutoGain.Nearest(70.0));
        }

        [TestMethod]
        public static void ClipSafeReducesAtItsEdges()
        {
            ClipSafe c = new ClipSafe();
            c.Enabled = true;
            Assert.AreEqual(-1, c.Tick(5, -1.01, false, 40), "below the threshold");
            Assert.AreEqual(38, c.Tick(5, ClipSafe.ThresholdDbfs, false, 40), "at the threshold: ceil(-1 + 3) = 2 dB");
            Assert.AreEqual(-1, c.Tick(ClipSafe.SettleMs, 0.0, true, 38), "settling");
            Assert.AreEqual(28, c.Tick(5, ClipSafe.ClippedDbfs, false, 38), "at the clipped level: 10 dB");
            c.Tick(ClipSafe.SettleMs, -30.0, false, 28);
            Assert.AreEqual(27, c.Tick(5, -30.0, true, 28), "OVR with a quiet peak: at least 1 dB");
            Assert.AreEqual(3, c.Reductions);
            ClipSafe low = new ClipSafe();
            low.Enabled = true;
            Assert.AreEqual(10, low.Tick(5, ClipSafe.ThresholdDbfs, false, 12), "12 - 2 is still a gain the chip has");
            low.Tick(ClipSafe.SettleMs, -30.0, false, 10);
            Assert.AreEqual(0, low.Tick(5, ClipSafe.ThresholdDbfs, false, 11), "11 - 2 is not: 0 dB");
            ClipSafe off = new ClipSafe();
            Assert.AreEqual(-1, off.Tick(5, 0.0, true, 40), "off: never");
        }
    }
}
