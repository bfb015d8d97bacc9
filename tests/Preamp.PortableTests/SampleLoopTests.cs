// The sample loop against a DMA input with the real semantics: blocks in place, frames numbered exactly, losses announced.
using nanoFramework.TestFramework;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class SampleLoopTests
    {
        private const int Frames = 256;

        private sealed class Rig
        {
            public readonly FakeClock Clock = new FakeClock();
            public readonly FakeAudioInput Audio;
            public readonly SampleStream Stream;
            public readonly LevelMeter Meter = new LevelMeter();
            public readonly TableCrc32 Crc = new TableCrc32();
            public readonly SampleLoop Loop;

            public Rig() : this(Frames)
            {
            }

            /// <summary>Blocks of <paramref name="blockFrames"/> frames over DMA buffers of <see cref="Frames"/>.</summary>
            public Rig(int blockFrames)
            {
                Stream = new SampleStream(blockFrames);
                Audio = new FakeAudioInput(Clock, Frames, 16, 37);
                Loop = new SampleLoop(Audio, Crc, Clock, Stream, Meter);
                Loop.Start(48000);          // reads buffer 0, waiting for it: that anchors the timing
            }

            /// <summary>Runs the loop as the app does until <paramref name="untilUs"/>: each block when it is due.</summary>
            public void RunUntil(long untilUs)
            {
                while (Loop.NextDueMicroseconds <= untilUs)
                {
                    long due = Loop.NextDueMicroseconds;
                    if (due > Clock.NowMicroseconds) Clock.Wait(due - Clock.NowMicroseconds);
                    Loop.Service(30, 20, 0, 0);
                }
            }

            /// <summary>Takes the next block off the ring, as the link writer does.</summary>
            public byte[] Take()
            {
                byte[] b = Stream.PeekReady();
                Assert.IsTrue(b != null, "a block is ready");
                byte[] copy = new byte[Stream.BlockLength];
                System.Array.Copy(b, copy, copy.Length);
                Stream.ReleaseReady();
                return copy;
            }
        }

        private static int Sample(byte[] b, int frame, int slot)
        {
            return LevelMeter.Sample(b, StreamBlock.HeaderBytes + 6 * frame + 3 * slot);
        }

        [TestMethod]
        public static void BlocksCarryConsecutiveFramesNumberedFromTheStart()
        {
            Rig r = new Rig();
            r.Loop.BeginStream();
            long offset = -1;
            for (int i = 0; i < 40; i++)
            {
                r.RunUntil(r.Clock.NowMicroseconds + 6000);
                while (r.Stream.ReadyBlocks > 0)
                {
                    byte[] b = r.Take();
                    uint first = StreamBlock.GetUInt32(b, 8);
                    if (offset < 0) offset = Sample(b, 0, 0) - first;
                    for (int f = 0; f < Frames; f += 51)
                    {
                        Assert.AreEqual(offset + first + f, (long)Sample(b, f, 0), "frame number on channel 1");
                        Assert.AreEqual(-(offset + first + f), (long)Sample(b, f, 1), "channel 2");
                    }
                    Assert.AreEqual(0u, StreamBlock.GetUInt32(b, 26), "nothing lost");
                }
            }
            Assert.AreEqual(0L, r.Audio.DroppedBuffers);
            Assert.AreEqual(0L, r.Stream.FramesLostByConverter);
            Assert.IsTrue(r.Stream.FramesSent >= 35 * Frames, "frames sent: " + r.Stream.FramesSent.ToString());
        }

        [TestMethod]
        public static void ALateReadAnnouncesExactlyTheFramesTheDmaDropped()
        {
            Rig r = new Rig();
            r.Loop.BeginStream();
            r.RunUntil(r.Clock.NowMicroseconds + 20000);
            long offset = -1;
            while (r.Stream.ReadyBlocks > 0)
            {
                byte[] b = r.Take();
                offset = Sample(b, 0, 0) - StreamBlock.GetUInt32(b, 8);
            }
            r.Clock.Wait(150000);   // the loop is away for 150 ms: 28 buffers complete, 15 can wait
            r.RunUntil(r.Clock.NowMicroseconds + 1);
            Assert.IsTrue(r.Audio.DroppedBuffers > 0, "the DMA dropped buffers");
            Assert.AreEqual(r.Audio.DroppedBuffers * Frames, r.Stream.FramesLostByConverter);
            Assert.IsTrue(r.Loop.LostWhileStreaming);
            bool flagged = false;
            while (r.Stream.ReadyBlocks > 0)
            {
                byte[] b = r.Take();
                uint first = StreamBlock.GetUInt32(b, 8);
                Assert.AreEqual(offset + first, (long)Sample(b, 0, 0), "the header places the block exactly where its frames belong");
                flagged |= (b[25] & StreamBlock.FlagFramesLost) != 0;
                Assert.AreEqual((uint)(r.Audio.DroppedBuffers * Frames), StreamBlock.GetUInt32(b, 26));
            }
            Assert.IsTrue(flagged, "the first block after the gap says frames were lost before it");
        }

        [TestMethod]
        public static void ALinkThatFallsBehindBrieflyLosesNothing()
        {
            Rig r = new Rig();
            r.Loop.BeginStream();
            r.RunUntil(r.Clock.NowMicroseconds + 12 * 5334);   // nobody takes blocks off the ring for 64 ms
            Assert.AreEqual(SampleStream.RingBlocks, r.Stream.ReadyBlocks);
            Assert.AreEqual(0L, r.Stream.FramesDroppedForLink, "the rest waits in the DMA ring");
            long nextFirst = 0;
            for (int i = 0; i < 30; i++)
            {
                while (r.Stream.ReadyBlocks > 0)
                {
                    byte[] b = r.Take();
                    Assert.AreEqual((uint)nextFirst, StreamBlock.GetUInt32(b, 8), "consecutive");
                    nextFirst += Frames;
                }
                r.RunUntil(r.Clock.NowMicroseconds + 2000);
            }
            Assert.AreEqual(0L, r.Stream.FramesDroppedForLink);
            Assert.AreEqual(0L, r.Audio.DroppedBuffers);
        }

        [TestMethod]
        public static void ALinkThatStaysBehindDropsWholeBlocksForTheLinkAndCountsThem()
        {
            Rig r = new Rig();
            r.Loop.BeginStream();
            r.RunUntil(r.Clock.NowMicroseconds + 40 * 5334);   // nobody takes blocks off the ring for 213 ms
            Assert.AreEqual(SampleStream.RingBlocks, r.Stream.ReadyBlocks);
            Assert.IsTrue(r.Stream.FramesDroppedForLink >= 15 * Frames, "dropped: " + r.Stream.FramesDroppedForLink.ToString());
            Assert.AreEqual(0L, r.Stream.FramesLostByConverter, "read in time for the DMA, only the link is short");
            Assert.AreEqual(0L, r.Audio.DroppedBuffers);
            uint expected = 0;
            long nextFirst = 0;
            while (r.Stream.ReadyBlocks > 0)
            {
                byte[] b = r.Take();
                Assert.AreEqual(expected++, StreamBlock.GetUInt32(b, 4), "sequence numbers count blocks on the link");
                Assert.AreEqual((uint)nextFirst, StreamBlock.GetUInt32(b, 8));
                nextFirst += Frames;
            }
            r.RunUntil(r.Clock.NowMicroseconds + 6000);
            byte[] after = r.Take();
            Assert.AreEqual((uint)r.Stream.FramesDroppedForLink, StreamBlock.GetUInt32(after, 30));
            Assert.AreEqual((uint)(nextFirst + r.Stream.FramesDroppedForLink), StreamBlock.GetUInt32(after, 8), "the gap is exactly the dropped frames");
        }

        [TestMethod]
        public static void AGainCommandCarriesTheFrameBeingConverted()
        {
            Rig r = new Rig();
            r.Loop.BeginStream();
            r.RunUntil(r.Clock.NowMicroseconds + 3 * 5334);
            long start = r.Clock.NowMicroseconds;
            r.Clock.Wait(1000);
            r.Loop.MarkGainCommand(0);
            r.RunUntil(r.Clock.NowMicroseconds + 2 * 5334);
            uint command = StreamBlock.NoGainCommand;
            uint none = 0;
            while (r.Stream.ReadyBlocks > 0)
            {
                byte[] b = r.Take();
                command = StreamBlock.GetUInt32(b, 34);
                none = StreamBlock.GetUInt32(b, 38);
            }
            Assert.AreEqual(StreamBlock.NoGainCommand, none, "channel 2 had no command");
            Assert.IsTrue(command != StreamBlock.NoGainCommand, "channel 1's command is announced");
            // The converter's first frame came 37 µs after the start at 0; the stream began at buffer 1 (frame 256).
            long expected = (start + 1000 - 37) * 48000 / 1000000 - Frames;
            Assert.IsTrue(command >= expected - 2 && command <= expected + 2, "command frame " + command.ToString() + ", expected " + expected.ToString());
        }

        [TestMethod]
        public static void BlocksOfFourBuffersAreNumberedInFramesAndLateReadsAnnounceWholeBuffers()
        {
            const int Block = 4 * Frames;
            Rig r = new Rig(Block);
            r.Loop.BeginStream();
            r.RunUntil(r.Clock.NowMicroseconds + 60000);
            long offset = -1;
            uint expected = 0;
            while (r.Stream.ReadyBlocks > 0)
            {
                byte[] b = r.Take();
                uint first = StreamBlock.GetUInt32(b, 8);
                Assert.AreEqual(expected, first, "consecutive blocks of 1024 frames");
                Assert.AreEqual(Block, b[20] | (b[21] << 8));
                if (offset < 0) offset = Sample(b, 0, 0) - first;
                Assert.AreEqual(offset + first + Block - 1, (long)Sample(b, Block - 1, 0), "the block's last frame is its own");
                expected += Block;
            }
            Assert.IsTrue(expected >= 2 * Block, "blocks came: " + expected.ToString());
            r.Clock.Wait(150000);   // away for 150 ms: the DMA drops whole buffers of 256 frames, not blocks
            r.RunUntil(r.Clock.NowMicroseconds + 1);
            Assert.IsTrue(r.Audio.DroppedBuffers > 0, "the DMA dropped buffers");
            Assert.AreEqual(r.Audio.DroppedBuffers * Frames, r.Stream.FramesLostByConverter);
            Assert.AreEqual(r.Audio.DroppedBuffers * Frames, r.Loop.FramesLost);
            byte[] after = r.Take();
            uint at = StreamBlock.GetUInt32(after, 8);
            Assert.AreEqual(offset + at, (long)Sample(after, 0, 0), "the header places the block exactly where its frames belong");
            Assert.AreEqual((long)expected + r.Audio.DroppedBuffers * Frames, (long)at, "the gap is exactly the dropped buffers");
        }

        [TestMethod]
        public static void NotStreamingTheLoopStillMetersEveryBlock()
        {
            Rig r = new Rig();
            r.RunUntil(r.Clock.NowMicroseconds + 100000);
            Assert.AreEqual(0, r.Stream.ReadyBlocks);
            Assert.IsTrue(r.Loop.BlocksRead >= 18, "blocks read: " + r.Loop.BlocksRead.ToString());
            Assert.IsTrue(r.Meter.PeakFraction(0) > 0, "the meter saw the frames");
            Assert.AreEqual(0, r.Crc.Calls, "no CRC work while not streaming");
        }
    }
}
