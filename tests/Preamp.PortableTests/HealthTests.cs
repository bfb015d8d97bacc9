// Health on its own: the gain chain's watch in operation and the self-test of both chips.
using nanoFramework.TestFramework;
using PreampFirmware.Drivers;
using PreampFirmware.Health;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class HealthTests
    {
        private sealed class Rig
        {
            public readonly ChannelRig Channels = new ChannelRig();
            public readonly FakeClock Clock = new FakeClock();
            public readonly RegisterSpi AdcSpi = new RegisterSpi();
            public readonly DeviceErrors Errors = new DeviceErrors();
            public readonly ErrorLog Log;
            public readonly Converter Converter;
            public readonly SelfTest SelfTest;
            public readonly GainChainWatch Watch;
            public int FailedResult = -1;
            public int Passes;

            public Rig()
            {
                Log = new ErrorLog(Errors);
                LevelMeter meter = new LevelMeter();
                SampleLoop loop = new SampleLoop(new ClockedAudio(Clock, AdcSpi), new TableCrc32(), Clock, new SampleStream(256), meter);
                Converter = new Converter(new Pcm1863(AdcSpi, Clock), loop, meter, Errors);
                SelfTest = new SelfTest(Channels.Gain, Converter, Channels.Channels, Errors);
                SelfTest.Failed += OnFailed;
                SelfTest.Passed += OnPassed;
                Watch = new GainChainWatch(Channels.Gain, Errors);
            }

            private void OnFailed(int result) { FailedResult = result; }

            private void OnPassed() { Passes++; }
        }

        [TestMethod]
        public static void AnIdleChainGetsAHeartbeatWriteEverySecond()
        {
            Rig r = new Rig();
            r.Watch.Tick(5);                              // takes in the safe state's write
            int frames = r.Channels.Spi.Frames;
            r.Watch.Tick(GainChainWatch.HeartbeatMs - 1);
            Assert.AreEqual(frames, r.Channels.Spi.Frames);
            r.Watch.Tick(1);
            Assert.AreEqual(frames + 1, r.Channels.Spi.Frames);
            r.Channels.Channels.SetGain(0, 20);           // a write of its own: no heartbeat needed
            frames = r.Channels.Spi.Frames;
            r.Watch.Tick(GainChainWatch.HeartbeatMs);
            Assert.AreEqual(frames, r.Channels.Spi.Frames);
            Assert.IsFalse(r.Watch.Fault);
        }

        [TestMethod]
        public static void AChainThatStopsAnsweringIsReportedOnceAndClearsWhenItAnswers()
        {
            Rig r = new Rig();
            r.Channels.Spi.Stuck = 1;
            r.Channels.Channels.SetGain(0, 20);
            r.Watch.Tick(5);
            Assert.IsTrue(r.Watch.Fault);
            r.Channels.Channels.SetGain(0, 21);
            r.Watch.Tick(5);
            Assert.AreEqual(1, r.Log.Count);
            Assert.Contains("(MISO stuck high?): the gains may not be what they read\n", r.Log.Text);
            Assert.StartsWith("-240:PGA2500 chain stopped answering: loop-back read 0xFFFF 0xFFFF", r.Log.Text);
            r.Channels.Spi.Stuck = ChainSpi.Working;
            r.Channels.Channels.SetGain(0, 22);
            r.Watch.Tick(5);
            Assert.IsFalse(r.Watch.Fault, "every write since the last look came back right");
            Assert.AreEqual(1, r.Log.Count);
        }

        [TestMethod]
        public static void TheSelfTestPassesWithBothChipsAndBringsTheConverterUp()
        {
            Rig r = new Rig();
            Assert.AreEqual(0, r.SelfTest.Run());
            Assert.IsTrue(r.Converter.IsRunning);
            Assert.AreEqual(-1, r.FailedResult);
            Assert.AreEqual(0, r.Log.Count);
        }

        [TestMethod]
        public static void ASelfTestOfARunningConverterOnlyReadsIt()
        {
            Rig r = new Rig();
            r.SelfTest.Run();
            int writes = r.AdcSpi.Writes;
            Assert.AreEqual(0, r.SelfTest.Run());
            Assert.AreEqual(writes, r.AdcSpi.Writes);
        }

        [TestMethod]
        public static void TheSelfTestSaysWhenItHasRun()
        {
            Rig r = new Rig();
            Assert.IsFalse(r.SelfTest.HasRun);
            r.SelfTest.Run();
            Assert.IsTrue(r.SelfTest.HasRun);
        }

        [TestMethod]
        public static void TheSafeStateGetsThePatternTestAndOperationTheCheckInPlace()
        {
            Rig r = new Rig();
            r.Channels.Channels.Ready = false;                // boot, or after a failure: muted, the pattern may latch
            int frames = r.Channels.Spi.Frames;
            Assert.AreEqual(0, r.SelfTest.Run());
            Assert.AreEqual(frames + 2, r.Channels.Spi.Frames, "the test pattern, then the settings");
            r.Channels.Channels.Ready = true;
            frames = r.Channels.Spi.Frames;
            Assert.AreEqual(0, r.SelfTest.Run());
            Assert.AreEqual(frames + 3, r.Channels.Spi.Frames, "each chip's word marked in turn, then the clean frame");
        }

        [TestMethod]
        public static void ARunningConverterThatFailsItsCheckGetsOneFreshBringUp()
        {
            Rig r = new Rig();
            Assert.AreEqual(0, r.SelfTest.Run());
            r.AdcSpi.Poke(0x20, 0x00);                        // CLK_CTRL lost behind the driver's back
            int writes = r.AdcSpi.Writes;
            Assert.AreEqual(0, r.SelfTest.Run());
            Assert.IsTrue(r.AdcSpi.Writes > writes, "brought up again");
            Assert.AreEqual(0x01, r.AdcSpi.Register(0x20));
            Assert.IsTrue(r.Converter.IsRunning);
            Assert.AreEqual(0, r.Log.Count);
            Assert.AreEqual(-1, r.FailedResult);
        }

        [TestMethod]
        public static void EachChipsFaultHasItsBitAndItsReason()
        {
            Rig r = new Rig();
            r.Channels.Spi.Stuck = 0;
            Assert.AreEqual(SelfTest.GainChain, r.SelfTest.Run());
            Assert.AreEqual(SelfTest.GainChain, r.FailedResult);
            Assert.StartsWith("-330:PGA2500 chain: no loop-back (MISO stuck low", r.Log.Text);

            Rig dead = new Rig();
            dead.AdcSpi.Dead = true;
            Assert.AreEqual(SelfTest.Adc, dead.SelfTest.Run());
            Assert.IsFalse(dead.Converter.IsRunning, "a converter that failed is shut down");
            Assert.StartsWith("-330:PCM1863 does not answer", dead.Log.Text);
        }

        [TestMethod]
        public static void AFailureSaysItLeavesTheSafeStateToAPassWhichIsAnnounced()
        {
            Rig r = new Rig();
            r.Channels.Spi.Stuck = 0;
            r.SelfTest.Run();
            Assert.AreEqual(0, r.Passes);
            Assert.Contains("safe state (muted, phantom off, gains 0 dB) until a *TST? passes", r.Log.Text);
            r.Channels.Spi.Stuck = ChainSpi.Working;
            Assert.AreEqual(0, r.SelfTest.Run());
            Assert.AreEqual(1, r.Passes, "a pass is announced: the root brings the board back from its safe state");
        }

        [TestMethod]
        public static void TheWatchResumesAfreshWithoutReportingTheSafeStatesFailures()
        {
            Rig r = new Rig();
            r.Channels.Spi.Stuck = 0;
            r.Channels.Gain.Write();                  // fails while nobody watches (the safe state)
            r.Channels.Spi.Stuck = ChainSpi.Working;
            r.Watch.Resume();
            r.Channels.Gain.Write();
            r.Watch.Tick(10);
            Assert.IsFalse(r.Watch.Fault);
            Assert.AreEqual("", r.Log.Text);
            Rig stale = new Rig();
            stale.Channels.Spi.Stuck = 0;
            stale.Channels.Gain.Write();
            stale.Channels.Spi.Stuck = ChainSpi.Working;
            stale.Channels.Gain.Write();
            stale.Watch.Tick(10);
            Assert.IsTrue(stale.Watch.Fault, "without Resume the old failure is news");
        }
    }
}
