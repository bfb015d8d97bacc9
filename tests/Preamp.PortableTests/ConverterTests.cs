// The converter part on its own: bring-up on the I2S clocks, read-only checks, the once-a-second watch, mute, rate.
using nanoFramework.TestFramework;
using PreampFirmware.Drivers;
using PreampFirmware.Health;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class ConverterTests
    {
        private sealed class Rig
        {
            public readonly FakeClock Clock = new FakeClock();
            public readonly RegisterSpi Spi = new RegisterSpi();
            public readonly ClockedAudio Audio;
            public readonly DeviceErrors Errors = new DeviceErrors();
            public readonly ErrorLog Log;
            public readonly Converter Converter;

            public Rig()
            {
                Audio = new ClockedAudio(Clock, Spi);
                Log = new ErrorLog(Errors);
                LevelMeter meter = new LevelMeter();
                SampleLoop loop = new SampleLoop(Audio, new TableCrc32(), Clock, new SampleStream(256), meter);
                Converter = new Converter(new Pcm1863(Spi, Clock), loop, meter, Errors);
            }
        }

        [TestMethod]
        public static void BringUpConfiguresMutedAndRunsOnTheClocks()
        {
            Rig r = new Rig();
            Assert.IsFalse(r.Converter.IsRunning);
            Assert.AreEqual(Pcm1863.Ok, r.Converter.BringUp(3));
            Assert.IsTrue(r.Converter.IsRunning);
            Assert.AreEqual(48000, r.Spi.Clocked);
            Assert.AreEqual(Pcm1863.DspWord(3), r.Spi.Register(Pcm1863Reg.DspControl));
            Assert.AreEqual(Pcm1863Reg.PowerRun, r.Spi.Register(Pcm1863Reg.Power));
        }

        [TestMethod]
        public static void ACheckOfARunningConverterWritesNothing()
        {
            Rig r = new Rig();
            r.Converter.BringUp(0);
            int writes = r.Spi.Writes;
            Assert.AreEqual(Pcm1863.Ok, r.Converter.Check());
            r.Converter.Watch(Converter.CheckMs);
            Assert.AreEqual(writes, r.Spi.Writes);
        }

        [TestMethod]
        public static void AConverterThatStopsIsReportedOnceAndClearedWhenItRunsAgain()
        {
            Rig r = new Rig();
            r.Converter.BringUp(0);
            r.Spi.Clocked = 0;                            // the clocks stop reaching it
            r.Converter.Watch(Converter.CheckMs - 1);
            Assert.IsFalse(r.Converter.Fault, "looks once a second");
            r.Converter.Watch(1);
            Assert.IsTrue(r.Converter.Fault);
            r.Converter.Watch(Converter.CheckMs);
            Assert.AreEqual(1, r.Log.Count, "once per episode");
            Assert.StartsWith("-240:PCM1863 is not running as configured", r.Log.Text);
            r.Spi.Clocked = 48000;
            r.Converter.Watch(Converter.CheckMs);
            Assert.IsFalse(r.Converter.Fault);
        }

        [TestMethod]
        public static void AConfigurationChangedBehindTheDriversBackIsAFault()
        {
            Rig r = new Rig();
            r.Converter.BringUp(0);
            r.Spi.Poke(Pcm1863Reg.DspControl, 0);        // the high-pass lost
            r.Converter.Watch(Converter.CheckMs);
            Assert.IsTrue(r.Converter.Fault);
            Assert.Contains("reads 0x00, configured 0x10", r.Log.Text);
        }

        [TestMethod]
        public static void MuteIsWrittenOnlyWhenItChangesAndReadBack()
        {
            Rig r = new Rig();
            r.Converter.ApplyMute(3);                     // not configured yet: nothing to write
            Assert.AreEqual(0, r.Spi.Writes);
            r.Converter.BringUp(3);
            int writes = r.Spi.Writes;
            r.Converter.ApplyMute(3);
            Assert.AreEqual(writes, r.Spi.Writes);
            r.Converter.ApplyMute(1);
            Assert.AreEqual(writes + 1, r.Spi.Writes);
            Assert.AreEqual(Pcm1863.DspWord(1), r.Spi.Register(Pcm1863Reg.DspControl));
            r.Spi.Dead = true;                            // the read-back fails
            r.Converter.ApplyMute(0);
            Assert.IsTrue(r.Converter.Fault);
        }

        [TestMethod]
        public static void ARateChangeRestartsTheClocksAndTheConverterLocksAgain()
        {
            Rig r = new Rig();
            r.Converter.BringUp(0);
            Assert.IsNull(r.Converter.SetRate(44100, true));
            Assert.AreEqual(44100, r.Converter.SampleRate);
            Assert.AreEqual(44100, r.Spi.Clocked);
            Assert.AreEqual(2, r.Audio.Starts);
            Assert.IsNull(r.Converter.SetRate(44100, true));
            Assert.AreEqual(2, r.Audio.Starts, "same rate, running: nothing restarts");
            Assert.IsNull(r.Converter.SetRate(96000, false));
            Assert.AreEqual(2, r.Audio.Starts, "not ready: remembered for the bring-up");
        }

        [TestMethod]
        public static void ShutdownForgetsTheConfiguration()
        {
            Rig r = new Rig();
            r.Converter.BringUp(0);
            r.Converter.Shutdown();
            Assert.IsFalse(r.Converter.IsRunning);
            Assert.AreEqual(0, r.Spi.Clocked);
        }
    }
}
