// Host sessions on their own: device errors reach the sessions connected then, a closing session takes its stream.
using nanoFramework.TestFramework;
using PreampFirmware.Health;
using PreampFirmware.Host;
using PreampFirmware.Scpi;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class HostSessionsTests
    {
        private sealed class Rig
        {
            public readonly FakeClock Clock = new FakeClock();
            public readonly DeviceErrors Errors = new DeviceErrors();
            public readonly StreamLink Stream;
            public readonly HostSessions Hosts;

            public Rig()
            {
                FakeAudioInput audio = new FakeAudioInput(Clock, 256, 16, 37);
                SampleStream blocks = new SampleStream(256);
                SampleLoop loop = new SampleLoop(audio, new TableCrc32(), Clock, blocks, new LevelMeter());
                loop.Start(48000);
                Stream = new StreamLink(blocks, loop, Errors);
                Hosts = new HostSessions(Errors, Stream);
                Hosts.Commands.Add("*IDN?", c => c.Reply(Hosts.Identity));
            }
        }

        [TestMethod]
        public static void ADeviceErrorReachesTheSessionsConnectedThenAndNoLaterOne()
        {
            Rig r = new Rig();
            ScpiSession early = r.Hosts.Attach(new FakeSerial());
            r.Errors.Report(DeviceErrors.HardwareError, "converter stopped");
            ScpiSession late = r.Hosts.Attach(new FakeSerial());
            Assert.AreEqual("-240,\"Hardware error;converter stopped\"", early.Errors.Pop());
            Assert.AreEqual(0, late.Errors.Count);
            r.Errors.Report(DeviceErrors.DeviceSpecificError, "slow");
            Assert.AreEqual(1, early.Errors.Count);
            Assert.AreEqual(1, late.Errors.Count);
            Assert.AreEqual(2, r.Errors.Reported);
        }

        [TestMethod]
        public static void PowerOnReachesTheSessionsConnectedThenAndNoLaterOne()
        {
            Rig r = new Rig();
            ScpiSession early = r.Hosts.Attach(new FakeSerial());
            r.Hosts.PowerOn();
            ScpiSession late = r.Hosts.Attach(new FakeSerial());
            Assert.AreEqual(StatusRegisters.PowerOn, early.Status.Event);
            Assert.AreEqual(0, late.Status.Event);
            Assert.AreEqual(0, early.Errors.Count, "PON is an event bit, not an error");
        }

        [TestMethod]
        public static void AClosedSessionHearsNothingMoreAndTakesItsStreamWithIt()
        {
            Rig r = new Rig();
            FakeSerial port = new FakeSerial();
            ScpiSession owner = r.Hosts.Attach(port);
            ScpiSession other = r.Hosts.Attach(new FakeSerial());
            r.Stream.Start(owner, port);
            r.Hosts.Detach(other);
            Assert.IsTrue(r.Stream.IsRunning);
            r.Hosts.Detach(owner);
            Assert.IsFalse(r.Stream.IsRunning);
            Assert.AreEqual(0, r.Hosts.Count);
            r.Errors.Report(DeviceErrors.HardwareError, "after");
            Assert.AreEqual(0, owner.Errors.Count);
        }

        [TestMethod]
        public static void PollRunsEachSessionsLinesOnItsOwnLink()
        {
            Rig r = new Rig();
            r.Hosts.Identity = "A,B,C,D";
            FakeSerial one = new FakeSerial();
            FakeSerial two = new FakeSerial();
            r.Hosts.Attach(one);
            r.Hosts.Attach(two);
            one.Receive("*IDN?\n");
            two.Receive("*IDN?\n*IDN?\n");
            r.Hosts.Poll();
            Assert.AreEqual("A,B,C,D\n", one.TakeSent());
            Assert.AreEqual("A,B,C,D\nA,B,C,D\n", two.TakeSent());
        }

        [TestMethod]
        public static void ConditionsAreNamedInBitOrder()
        {
            Assert.AreEqual("NONE", BoardCondition.Names(0));
            Assert.AreEqual("SELFTEST,CONVERTER", BoardCondition.Names(BoardCondition.SelfTestFailed | BoardCondition.Converter));
            Assert.AreEqual("CALIBRATION,SETTINGS,FLASH,SAMPLELOOP", BoardCondition.Names(8 | 16 | 32 | 64));
            Assert.AreEqual("GAINCHAIN", BoardCondition.Names(BoardCondition.GainChain));
        }
    }
}
