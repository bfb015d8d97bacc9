// PGA2500 chain: control-word encoding against the datasheet table, golden chain frames, loop-back self-test.
using System;
using nanoFramework.TestFramework;
using PreampFirmware.Drivers;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class Pga2500Tests
    {
        private static Pga2500Chain NewChain(PreampFirmware.Hal.ISpiChannel spi, FakeOutput zcen)
        {
            return new Pga2500Chain(spi, zcen, new FakeInput(false), new FakeInput(true));
        }

        [TestMethod]
        public static void GainCodesFollowTheDatasheetTable()
        {
            // SBOS289 Figure 2: N = 0 → 0 dB, N = 1..56 → 9 + N dB.
            Assert.AreEqual(0, Pga2500Chain.GainCode(0));
            Assert.AreEqual(1, Pga2500Chain.GainCode(10));
            Assert.AreEqual(21, Pga2500Chain.GainCode(30));
            Assert.AreEqual(56, Pga2500Chain.GainCode(65));
            Assert.AreEqual(65, Pga2500Chain.GainDbFromCode(60));
            Assert.AreEqual(10, Pga2500Chain.GainDbFromCode(1));
        }

        [TestMethod]
        public static void GainsTheChipCannotTakeAreRefused()
        {
            Assert.IsFalse(Pga2500Chain.IsValidGain(5));
            Assert.IsFalse(Pga2500Chain.IsValidGain(66));
            Assert.IsFalse(Pga2500Chain.IsValidGain(-1));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => Pga2500Chain.GainCode(9));
            try
            {
                Pga2500Chain.GainCode(66);
                Assert.IsTrue(false, "66 dB was taken");
            }
            catch (ArgumentOutOfRangeException e)
            {
                Exception thrown = e;
                Assert.Contains("PGA2500 gain must be 0 or 10..65 dB", thrown.Message);
            }
        }

        [TestMethod]
        public static void ControlWordBitsAreTheDatasheetBits()
        {
            Pga2500Settings s = new Pga2500Settings();
            s.GainDb = 30;
            Assert.AreEqual((ushort)0x0015, Pga2500Chain.EncodeWord(s), "DC servo on is bit 15 clear");
            s.DcServo = false;
            Assert.AreEqual((ushort)0x8015, Pga2500Chain.EncodeWord(s));
            s.DcServo = true;
            s.CommonModeServo = true;
            Assert.AreEqual((ushort)0x4015, Pga2500Chain.EncodeWord(s));
            s.CommonModeServo = false;
            s.LowOverloadThreshold = true;
            Assert.AreEqual((ushort)0x1015, Pga2500Chain.EncodeWord(s));
            s.LowOverloadThreshold = false;
            s.Gpo = 0x1;
            Assert.AreEqual((ushort)0x0115, Pga2500Chain.EncodeWord(s), "GPO1 is bit 8");
            s.Gpo = 0xF;
            Assert.AreEqual((ushort)0x0F15, Pga2500Chain.EncodeWord(s));
        }

        [TestMethod]
        public static void ChannelTwoWordIsClockedFirst()
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            spi.Expect("00 38 00 15", null);   // ch2 65 dB (N=56), then ch1 30 dB (N=21)
            Pga2500Chain chain = NewChain(spi, new FakeOutput(false));
            chain.Channel(0).GainDb = 30;
            chain.Channel(1).GainDb = 65;
            chain.Write();
            spi.AssertDone();
        }

        [TestMethod]
        public static void EveryWriteRebuildsTheWholeWordSoGainCanGoDown()
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            spi.Expect("00 00 03 37", null);   // ch1 64 dB + GPO1 + GPO2
            spi.Expect("00 00 03 01", null);   // ch1 10 dB, GPOs kept
            spi.Expect("00 00 00 00", null);   // ch1 0 dB, GPOs off
            Pga2500Chain chain = NewChain(spi, new FakeOutput(false));
            chain.Channel(0).GainDb = 64;
            chain.Channel(0).Gpo = 3;
            chain.Write();
            chain.Channel(0).GainDb = 10;
            chain.Write();
            chain.Channel(0).GainDb = 0;
            chain.Channel(0).Gpo = 0;
            chain.Write();
            spi.AssertDone();
        }

        [TestMethod]
        public static void GpoOutputWritesTheChainOnlyOnChange()
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            spi.Expect("02 00 00 00", null);   // ch2 GPO2 on
            Pga2500Chain chain = NewChain(spi, new FakeOutput(false));
            Pga2500Gpo polarity2 = new Pga2500Gpo(chain, 1, 2);
            polarity2.Write(true);
            polarity2.Write(true);
            Assert.IsTrue(polarity2.IsHigh);
            spi.AssertDone();
        }

        [TestMethod]
        public static void SelfTestPassesWhenThePatternLoopsBack()
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            spi.Expect("50 00 10 00", "00 00 00 00");
            spi.Expect("00 00 00 15", "50 00 10 00");
            Pga2500Chain chain = NewChain(spi, new FakeOutput(false));
            chain.Channel(0).GainDb = 30;
            Assert.IsNull(chain.SelfTest());
            spi.AssertDone();
        }

        [TestMethod]
        public static void SelfTestNamesAStuckMiso()
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            spi.Expect("50 00 10 00", "FF FF FF FF");
            spi.Expect("00 00 00 00", "FF FF FF FF");
            string fault = NewChain(spi, new FakeOutput(false)).SelfTest();
            Assert.IsNotNull(fault);
            Assert.Contains("stuck high", fault);
            spi.AssertDone();
        }

        [TestMethod]
        public static void SelfTestNamesAMissingChip()
        {
            // One chip only: the pattern comes back 16 bits early.
            Assert.Contains("chip missing", SelfTestReading("10 00 00 00"));
        }

        [TestMethod]
        public static void SelfTestChecksEachChipsWordOnItsOwn()
        {
            // Channel 1's chip answers its word, channel 2's answers garbage: one right half is not a pass.
            Assert.Contains("the chip of input 2", SelfTestReading("12 34 10 00"));
            Assert.Contains("the chip of input 1", SelfTestReading("50 00 00 00"));
        }

        [TestMethod]
        public static void TheCheckInOperationKeepsGainPadAndPolarityInEveryFrame()
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            // Input 1 at 30 dB with the pad (GPO1), input 2 at 50 dB inverted (GPO2); GPO4 (0x0800) marks one word at a time.
            spi.Expect("02 29 09 15", "00 00 00 00");
            spi.Expect("0A 29 01 15", "02 29 09 15");
            spi.Expect("02 29 01 15", "0A 29 01 15");
            Pga2500Chain chain = NewChain(spi, new FakeOutput(false));
            chain.Channel(0).GainDb = 30;
            chain.Channel(0).Gpo = 1;
            chain.Channel(1).GainDb = 50;
            chain.Channel(1).Gpo = 2;
            int writes = chain.Writes;
            Assert.IsNull(chain.CheckInPlace());
            spi.AssertDone();
            Assert.AreEqual(writes + 1, chain.Writes);
        }

        [TestMethod]
        public static void TheCheckInOperationFindsAChipThatDoesNotPassItsWordOn()
        {
            ChainSpi spi = new ChainSpi();
            Pga2500Chain chain = NewChain(spi, new FakeOutput(false));
            chain.Channel(0).GainDb = 20;
            chain.Channel(1).GainDb = 20;
            chain.Write();
            Assert.IsNull(chain.CheckInPlace());
            spi.Stuck = 1;
            Assert.Contains("MISO stuck high", chain.CheckInPlace());
        }

        private static string SelfTestReading(string miso)
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            spi.Expect("50 00 10 00", "00 00 00 00");
            spi.Expect("00 00 00 00", miso);
            return NewChain(spi, new FakeOutput(false)).SelfTest();
        }

        [TestMethod]
        public static void SelfTestMessagesSayWhatCameBackAndWhatShouldHave()
        {
            // Channel 2's word is clocked first, so it is read first: "read <ch2> <ch1>, expected <ch2> <ch1>".
            Assert.AreEqual("PGA2500 chain: no loop-back (MISO stuck high, read 0xFFFF 0xFFFF, expected 0x5000 0x1000)", SelfTestReading("FF FF FF FF"));
            Assert.AreEqual("PGA2500 chain: no loop-back (MISO stuck low, read 0x0000 0x0000, expected 0x5000 0x1000)", SelfTestReading("00 00 00 00"));
            Assert.AreEqual("PGA2500 chain: the chip of input 2 wrong (read 0x1234 0x1000, expected 0x5000 0x1000; chip missing or chain broken)",
                            SelfTestReading("12 34 10 00"));
            Assert.AreEqual("PGA2500 chain: the chip of input 1 wrong (read 0x5000 0x0000, expected 0x5000 0x1000; chip missing or chain broken)",
                            SelfTestReading("50 00 00 00"));
            Assert.AreEqual("PGA2500 chain: both chips wrong (read 0x0000 0x5000, expected 0x5000 0x1000; chip missing or chain broken)",
                            SelfTestReading("00 00 50 00"));
        }

        [TestMethod]
        public static void OneStuckHalfIsAWrongChipNotAStuckLine()
        {
            Assert.AreEqual("PGA2500 chain: the chip of input 2 wrong (read 0xFFFF 0x1000, expected 0x5000 0x1000; chip missing or chain broken)",
                            SelfTestReading("FF FF 10 00"));
            Assert.AreEqual("PGA2500 chain: the chip of input 1 wrong (read 0x5000 0xFFFF, expected 0x5000 0x1000; chip missing or chain broken)",
                            SelfTestReading("50 00 FF FF"));
            Assert.AreEqual("PGA2500 chain: the chip of input 2 wrong (read 0x0000 0x1000, expected 0x5000 0x1000; chip missing or chain broken)",
                            SelfTestReading("00 00 10 00"));
            Assert.AreEqual("PGA2500 chain: the chip of input 1 wrong (read 0x5000 0x0000, expected 0x5000 0x1000; chip missing or chain broken)",
                            SelfTestReading("50 00 00 00"));
        }

        private static string LoopBackAfter(string miso)
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            spi.Expect("00 00 00 15", "00 00 00 00");
            spi.Expect("00 00 00 15", miso);
            Pga2500Chain chain = NewChain(spi, new FakeOutput(false));
            chain.Channel(0).GainDb = 30;
            chain.Write();
            Assert.IsNull(chain.LoopBackError, "the first write has nothing to compare with");
            chain.Write();
            spi.AssertDone();
            Assert.AreEqual(chain.LoopBackError == null ? 0 : 1, chain.LoopBackFailures);
            return chain.LoopBackError;
        }

        [TestMethod]
        public static void EveryByteOfTheLoopBackIsCompared()
        {
            Assert.IsNull(LoopBackAfter("00 00 00 15"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x8000 0x0015, expected 0x0000 0x0015", LoopBackAfter("80 00 00 15"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x0001 0x0015, expected 0x0000 0x0015", LoopBackAfter("00 01 00 15"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x0000 0x4015, expected 0x0000 0x0015", LoopBackAfter("00 00 40 15"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x0000 0x0014, expected 0x0000 0x0015", LoopBackAfter("00 00 00 14"));
        }

        [TestMethod]
        public static void TheLoopBackErrorHintsAtAStuckLineOnlyWhenAllBitsAgree()
        {
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0xFFFF 0xFFFF, expected 0x0000 0x0015 (MISO stuck high?)", LoopBackAfter("FF FF FF FF"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x0000 0x0000, expected 0x0000 0x0015 (MISO stuck low?)", LoopBackAfter("00 00 00 00"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0xFFFF 0xFF00, expected 0x0000 0x0015", LoopBackAfter("FF FF FF 00"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0xFFFF 0x0015, expected 0x0000 0x0015", LoopBackAfter("FF FF 00 15"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0xFF00 0x0015, expected 0x0000 0x0015", LoopBackAfter("FF 00 00 15"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x0000 0x0001, expected 0x0000 0x0015", LoopBackAfter("00 00 00 01"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x0000 0xFFFF, expected 0x0000 0x0015", LoopBackAfter("00 00 FF FF"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0xFF00 0xFFFF, expected 0x0000 0x0015", LoopBackAfter("FF 00 FF FF"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x1234 0x0000, expected 0x0000 0x0015", LoopBackAfter("12 34 00 00"));
            Assert.AreEqual("PGA2500 chain stopped answering: loop-back read 0x1200 0x0000, expected 0x0000 0x0015", LoopBackAfter("12 00 00 00"));
        }

        [TestMethod]
        public static void TheCheckInOperationReportsTheFirstWrongReadAndTheSecond()
        {
            // Input 1 at 30 dB (0x0015), input 2 at 0 dB: the marked frames are 00 00 08 15, then 08 00 00 15, then clean.
            ScriptedSpi first = new ScriptedSpi("PGA");
            first.Expect("00 00 08 15", "00 00 00 00");
            first.Expect("08 00 00 15", "00 00 00 15");
            first.Expect("00 00 00 15", "08 00 00 15");
            Pga2500Chain a = NewChain(first, new FakeOutput(false));
            a.Channel(0).GainDb = 30;
            Assert.AreEqual("PGA2500 chain: the chip of input 1 wrong (read 0x0000 0x0015, expected 0x0000 0x0815; a chip does not pass its word on)", a.CheckInPlace());
            first.AssertDone();

            ScriptedSpi second = new ScriptedSpi("PGA");
            second.Expect("00 00 08 15", "00 00 00 00");
            second.Expect("08 00 00 15", "00 00 08 15");
            second.Expect("00 00 00 15", "00 00 00 15");
            Pga2500Chain b = NewChain(second, new FakeOutput(false));
            b.Channel(0).GainDb = 30;
            Assert.AreEqual("PGA2500 chain: the chip of input 2 wrong (read 0x0000 0x0015, expected 0x0800 0x0015; a chip does not pass its word on)", b.CheckInPlace());
            second.AssertDone();
        }

        [TestMethod]
        public static void AfterTheCheckInOperationTheNextWriteExpectsTheCleanFrame()
        {
            ScriptedSpi spi = new ScriptedSpi("PGA");
            spi.Expect("00 00 00 00", "00 00 00 00");     // gains 0 dB written
            spi.Expect("00 00 08 15", "00 00 00 00");     // input 1 moved to 30 dB without a write, then checked
            spi.Expect("08 00 00 15", "00 00 08 15");
            spi.Expect("00 00 00 15", "08 00 00 15");
            spi.Expect("00 00 00 15", "00 00 00 15");     // the next write reads back the check's clean frame
            Pga2500Chain chain = NewChain(spi, new FakeOutput(false));
            chain.Write();
            chain.Channel(0).GainDb = 30;
            Assert.IsNull(chain.CheckInPlace());
            chain.Write();
            spi.AssertDone();
            Assert.AreEqual(0, chain.LoopBackFailures);
            Assert.IsNull(chain.LoopBackError);
        }

        [TestMethod]
        public static void ZeroCrossingDrivesZcenAndOverloadReadsOvr()
        {
            FakeOutput zcen = new FakeOutput(false);
            Pga2500Chain chain = NewChain(new ScriptedSpi("PGA"), zcen);
            chain.ZeroCrossing = true;
            Assert.IsTrue(zcen.IsHigh);
            Assert.IsTrue(chain.ZeroCrossing);
            chain.ZeroCrossing = false;
            Assert.IsFalse(chain.ZeroCrossing);
            Assert.IsFalse(chain.IsOverloaded(0));
            Assert.IsTrue(chain.IsOverloaded(1));
        }
    }
}
