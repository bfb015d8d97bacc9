// The stream's ownership and output on its own: one owner, blocks only on its link, the link budget, the slow-loop report.
using nanoFramework.TestFramework;
using PreampFirmware.Health;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class StreamLinkTests
    {
        private sealed class Rig
        {
            public readonly FakeClock Clock = new FakeClock();
            public readonly FakeAudioInput Audio;
            public readonly SampleStream Stream = new SampleStream(256);
            public readonly SampleLoop Loop;
            public readonly DeviceErrors Errors = new DeviceErrors();
            public readonly ErrorLog Log;
            public readonly StreamLink Link;

            public Rig()
            {
                Audio = new FakeAudioInput(Clock, 256, 16, 37);
                Loop = new SampleLoop(Audio, new TableCrc32(), Clock, Stream, new LevelMeter());
                Loop.Start(48000);
                Log = new ErrorLog(Errors);
                Link = new StreamLink(Stream, Loop, Errors);
            }

            public void Blocks(int n)
            {
                for (int i = 0; i < n; i++)
                {
                    long due = Loop.NextDueMicroseconds;
                    if (due > Clock.NowMicroseconds) Clock.Wait(due - Clock.NowMicroseconds);
                    Loop.Service(0, 0, 0, 0);
                }
            }
        }

        [TestMethod]
        public static void OnlyTheOwnerStopsTheStreamAndItsGoingAwayStopsIt()
        {
            Rig r = new Rig();
            object a = new object();
            object b = new object();
            Assert.IsTrue(r.Link.MayStop(b), "nothing streams: stopping is harmless");
            r.Link.Start(a, new FakeSerial());
            Assert.IsTrue(r.Link.IsRunning);
            Assert.IsFalse(r.Link.MayStop(b));
            Assert.IsTrue(r.Link.MayStop(a));
            r.Link.OwnerGone(b);
            Assert.IsTrue(r.Link.IsRunning, "another connection closing changes nothing");
            r.Link.OwnerGone(a);
            Assert.IsFalse(r.Link.IsRunning);
            Assert.IsNull(r.Link.Owner);
        }

        [TestMethod]
        public static void BlocksGoOutOnTheOwnersLinkOnly()
        {
            Rig r = new Rig();
            FakeSerial owner = new FakeSerial();
            r.Link.Start(owner, owner);
            r.Blocks(3);
            Assert.AreEqual(2, r.Link.ServiceOutput(2));
            Assert.AreEqual(1, r.Link.ServiceOutput(5));
            Assert.AreEqual(0, r.Link.ServiceOutput(5));
            byte[] sent = owner.TakeSentBytes();
            Assert.AreEqual(3 * r.Stream.BlockLength, sent.Length);
            for (int k = 0; k < 3; k++)
            {
                Assert.AreEqual(StreamBlock.Sync0, sent[k * r.Stream.BlockLength], "block " + k.ToString() + " starts with its sync");
                Assert.AreEqual((uint)k, StreamBlock.GetUInt32(sent, k * r.Stream.BlockLength + 4), "in sequence");
            }
            r.Link.Stop();
            r.Blocks(2);
            Assert.AreEqual(0, r.Link.ServiceOutput(5), "stopped: nothing goes out");
        }

        [TestMethod]
        public static void TheHighestRateIsTheOneTheLinkCarriesWithinItsBudget()
        {
            Rig r = new Rig();
            FakeSerial link = new FakeSerial();
            long perSecond48k = r.Link.BytesPerSecond(48000);
            Assert.AreEqual(48000L * r.Stream.BlockLength / 256, perSecond48k);
            link.Speed = (int)(perSecond48k * 100 / StreamLink.LinkBudgetPercent) + 1;
            Assert.AreEqual(48000, r.Link.MaxRate(link));
            link.Speed = (int)(perSecond48k * 100 / StreamLink.LinkBudgetPercent) - 1;
            Assert.AreEqual(44100, r.Link.MaxRate(link));
            link.Speed = 960;                             // 9600 baud
            Assert.AreEqual(0, r.Link.MaxRate(link));
        }

        [TestMethod]
        public static void ASampleLoopThatFallsBehindIsReportedOncePerStream()
        {
            Rig r = new Rig();
            FakeSerial owner = new FakeSerial();
            r.Link.Start(owner, owner);
            r.Blocks(2);
            r.Link.Watch();
            Assert.AreEqual(0, r.Log.Count);
            r.Clock.Wait(200000);                         // 200 ms away: the DMA ring (16 buffers, 85 ms) overflows
            r.Blocks(2);
            Assert.IsTrue(r.Link.LoopFellBehind);
            r.Link.Watch();
            r.Link.Watch();
            Assert.AreEqual(1, r.Log.Count);
            Assert.StartsWith("-300:the sample loop fell behind", r.Log.Text);
            r.Link.Start(owner, owner);                   // a new stream may report again
            Assert.IsFalse(r.Link.LoopFellBehind);
        }
    }
}
