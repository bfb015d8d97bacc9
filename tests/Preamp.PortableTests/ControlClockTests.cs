// The control loop's clock: whole milliseconds, remainders kept, jumps ignored.
using nanoFramework.TestFramework;
using PreampFirmware.Control;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class ControlClockTests
    {
        [TestMethod]
        public static void RemaindersCarryOverSoNoTimeIsLost()
        {
            ControlClock c = new ControlClock();
            Assert.AreEqual(0, c.Advance(5000000));
            int total = 0;
            for (int i = 1; i <= 1000; i++) total += c.Advance(5000000 + i * 1500L);   // 1.5 ms ticks
            Assert.AreEqual(1500, total);
        }

        [TestMethod]
        public static void AClockThatJumpsCountsNoTime()
        {
            ControlClock c = new ControlClock();
            c.Advance(1000);
            Assert.AreEqual(0, c.Advance(500), "backwards");
            Assert.AreEqual(0, c.Advance(500 + ControlClock.MaxStepMicroseconds + 1), "more than a second");
            Assert.AreEqual(10, c.Advance(500 + ControlClock.MaxStepMicroseconds + 1 + 10000));
        }

        [TestMethod]
        public static void TheFirstCallCountsNothingWhateverTheTime()
        {
            ControlClock early = new ControlClock();
            Assert.AreEqual(0, early.Advance(500000));
            Assert.AreEqual(3, early.Advance(503000));
            ControlClock atZero = new ControlClock();
            Assert.AreEqual(0, atZero.Advance(0));
            Assert.AreEqual(3, atZero.Advance(3000), "board time 0 is a time like any other");
        }

        [TestMethod]
        public static void AStepOfExactlyASecondIsReal()
        {
            ControlClock c = new ControlClock();
            c.Advance(0);
            Assert.AreEqual(1000, c.Advance(ControlClock.MaxStepMicroseconds));
        }
    }
}
