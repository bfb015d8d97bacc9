// The DMA model kept from the clock: when blocks are due, and how many buffers a late read finds dropped.
using nanoFramework.TestFramework;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class BlockTimingTests
    {
        private const double PeriodUs = 256 * 1000000.0 / 48000;   // 5333.3 µs

        [TestMethod]
        public static void TheFirstReadIsDueAtOnceAndAnchorsTheModel()
        {
            BlockTiming t = new BlockTiming();
            t.Start(1000, 48000, 256, 15, 1);
            Assert.AreEqual(1000L, t.NextDueMicroseconds);
            Assert.AreEqual(0, t.LostBeforeRead(1000));
            t.Read(1000, 6400, 1);                          // waited for buffer 0, which completed at 6400
            Assert.AreEqual(1L, t.Consumed);
            Assert.AreEqual(6400L + (long)PeriodUs + BlockTiming.DueMarginMicroseconds, t.NextDueMicroseconds);
            Assert.AreEqual(1L, t.CompletedBy(6400));
            Assert.AreEqual(2L, t.CompletedBy(6400 + (long)PeriodUs + 1));
        }

        [TestMethod]
        public static void ALoopThatNeverWaitsAgainKeepsTheAnchorOfTheFirstRead()
        {
            BlockTiming t = new BlockTiming();
            t.Start(0, 48000, 256, 15, 1);
            t.Read(0, 5370, 1);                             // the first read, right after the start: waited for buffer 0
            long now = 5370;
            long lost = 0;
            for (int i = 0; i < 200; i++)
            {
                now += 8000;                             // the loop takes 8 ms per 5.33 ms block: never waits again
                lost += t.LostBeforeRead(now);
                t.Read(now, now + 10, 1);
            }
            // 201 reads, every loss counted; the last read found 15 buffers waiting after the drops and took one.
            long lastRead = now;
            long completed = 1 + (long)((lastRead - 5370) / PeriodUs);
            Assert.AreEqual(lost, t.Lost);
            Assert.AreEqual(201 + lost, t.Consumed);
            Assert.AreEqual(completed - 15 + 1, t.Consumed);
            Assert.IsTrue(lost > 80, "lost " + lost.ToString());
        }

        [TestMethod]
        public static void AReadOfFourBuffersIsDueWhenTheFourthCompletesAndLossesStayInWholeBuffers()
        {
            BlockTiming t = new BlockTiming();
            t.Start(0, 48000, 256, 15, 4);
            Assert.AreEqual(4, t.BuffersPerRead);
            t.Read(0, 5400, 1);                             // the first read takes one buffer: buffer 0 completed at 5400
            Assert.AreEqual(5400L + (long)(4 * PeriodUs) + BlockTiming.DueMarginMicroseconds, t.NextDueMicroseconds);
            long due = t.NextDueMicroseconds;
            Assert.AreEqual(0, t.LostBeforeRead(due));
            t.Read(due, due + 30, 4);
            Assert.AreEqual(5L, t.Consumed);
            Assert.AreEqual(5400L + (long)(8 * PeriodUs) + BlockTiming.DueMarginMicroseconds, t.NextDueMicroseconds);
            // 100 ms late: 5 + 15 waiting is the ring; what completed beyond it was dropped, buffer by buffer.
            long late = t.NextDueMicroseconds + 100000;
            long completed = t.CompletedBy(late);
            int lost = t.LostBeforeRead(late);
            Assert.AreEqual((int)(completed - 5 - 15), lost);
            Assert.AreEqual(completed - 15, t.Consumed);
            t.Read(late, late + 10, 4);
            Assert.AreEqual(completed - 11, t.Consumed);
        }

        [TestMethod]
        public static void ReadsOnTimeLoseNothing()
        {
            BlockTiming t = new BlockTiming();
            t.Start(0, 48000, 256, 15, 1);
            t.Read(0, 5400, 1);
            for (int i = 0; i < 1000; i++)
            {
                long due = t.NextDueMicroseconds;
                Assert.AreEqual(0, t.LostBeforeRead(due));
                t.Read(due, due + 40, 1);
            }
            Assert.AreEqual(0L, t.Lost);
            Assert.AreEqual(1001L, t.Consumed);
        }

        [TestMethod]
        public static void AReadTooLateCountsTheBuffersTheDmaDropped()
        {
            BlockTiming t = new BlockTiming();
            t.Start(0, 48000, 256, 15, 1);
            t.Read(0, 5400, 1);                             // buffer 0 completed at 5400
            // 20 more buffers complete by 5400 + 20.5 periods; 15 can wait, so 5 were dropped.
            long late = 5400 + (long)(20.5 * PeriodUs);
            Assert.AreEqual(5, t.LostBeforeRead(late));
            Assert.AreEqual(6L, t.Consumed);
            t.Read(late, late + 30, 1);
            Assert.AreEqual(5L, t.Lost);
            // Fifteen buffers wait now: no more losses while they are read back to back.
            for (int i = 0; i < 14; i++)
            {
                Assert.AreEqual(0, t.LostBeforeRead(late + 100 + i));
                t.Read(late + 100 + i, late + 101 + i, 1);
            }
        }

        [TestMethod]
        public static void AReadThatWaitsReAnchorsTheModel()
        {
            BlockTiming t = new BlockTiming();
            t.Start(0, 48000, 256, 15, 1);
            t.Read(0, 5000, 1);                             // anchored: buffer 0 at 5000
            long due = t.NextDueMicroseconds;            // 5000 + 5333 + margin
            // The converter is in fact 2 ms later than the model thinks: this read waits 2 ms, and so re-anchors.
            t.Read(due, due + 2000, 1);
            Assert.AreEqual(due + 2000 + (long)PeriodUs + BlockTiming.DueMarginMicroseconds, t.NextDueMicroseconds);
        }

        [TestMethod]
        public static void FrameAtCountsFramesFromTheAnchor()
        {
            BlockTiming t = new BlockTiming();
            t.Start(0, 48000, 256, 15, 1);
            Assert.AreEqual(0L, t.FrameAt(100));
            t.Read(0, 5333, 1);
            Assert.AreEqual(256L, t.FrameAt(5333));
            Assert.AreEqual(256L + 48, t.FrameAt(5333 + 1000));
        }
    }
}
