// ADS131M02: frame encoding against hand-computed datasheet frames, golden bring-up transactions, and faults.
using nanoFramework.TestFramework;
using PreampFirmware.Drivers;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class Ads131m02Tests
    {
        // Literal frames (24-bit words, CRC-16-CCITT seed FFFFh), computed by hand from SBAS990 §8.5.1.
        private const string NullFrame = "00 00 00 CC 9C 00 00 00 00 00 00 00";
        private const string WriteModeFrame = "61 00 00 11 10 00 63 88 00 00 00 00";   // WREG MODE = 1110h
        private const string ReadModeFrame = "A1 00 00 46 30 00 00 00 00 00 00 00";    // RREG MODE
        private const string ResetAckAnswer = "FF 22 00 00 00 00 00 00 00 60 81 00";    // response FF22h
        private const string ModeAckAnswer = "41 00 00 00 00 00 00 00 00 AC 88 00";     // WREG ack 4100h
        private const string ModeValueAnswer = "11 10 00 00 00 00 00 00 00 9D 1B 00";   // MODE reads 1110h

        [TestMethod]
        public static void CommandFramesMatchTheDatasheetLayout()
        {
            byte[] frame = new byte[Ads131m02.FrameBytes];
            Ads131m02.EncodeCommand(0x0000, false, 0, frame);
            Assert.AreEqual(NullFrame, Hex.Format(frame, 0, frame.Length));
            Ads131m02.EncodeCommand(Ads131m02.WriteCommand(0x02), true, 0x1110, frame);
            Assert.AreEqual(WriteModeFrame, Hex.Format(frame, 0, frame.Length));
            Ads131m02.EncodeCommand(Ads131m02.ReadCommand(0x02), false, 0, frame);
            Assert.AreEqual(ReadModeFrame, Hex.Format(frame, 0, frame.Length));
        }

        [TestMethod]
        public static void CommandWordsFollowTheOpcodeTable()
        {
            // RREG 101a aaaa annn nnnn, WREG 011a aaaa annn nnnn (one register: n = 0).
            Assert.AreEqual((ushort)0xA000, Ads131m02.ReadCommand(0x00));
            Assert.AreEqual((ushort)0xA080, Ads131m02.ReadCommand(0x01));
            Assert.AreEqual((ushort)0x6180, Ads131m02.WriteCommand(0x03));
            Assert.AreEqual((ushort)0x6800, Ads131m02.WriteCommand(0x10));
        }

        [TestMethod]
        public static void ClockWordsSelectOsrAndTurbo()
        {
            Assert.AreEqual(0x030A, Ads131m02.ClockWord(8000));    // CH1/CH0 on, OSR 512, HR
            Assert.AreEqual(0x030E, Ads131m02.ClockWord(4000));    // the reset value: OSR 1024
            Assert.AreEqual(0x0302, Ads131m02.ClockWord(32000));
            Assert.AreEqual(0x0322, Ads131m02.ClockWord(64000));   // TBM
            Assert.AreEqual(-1, Ads131m02.ClockWord(44100));
        }

        [TestMethod]
        public static void SamplesAreSignExtended24Bit()
        {
            byte[] frame = Hex.Parse("05 00 00 7F FF FF 80 00 00 00 00 00");
            Assert.AreEqual(8388607, Ads131m02.DecodeSample(frame, 0, 0));
            Assert.AreEqual(-8388608, Ads131m02.DecodeSample(frame, 0, 1));
            frame = Hex.Parse("05 00 00 FF FF FE 00 00 01 00 00 00");
            Assert.AreEqual(-2, Ads131m02.DecodeSample(frame, 0, 0));
            Assert.AreEqual(1, Ads131m02.DecodeSample(frame, 0, 1));
        }

        [TestMethod]
        public static void OutputCrcIsChecked()
        {
            Assert.IsTrue(Ads131m02.CheckOutputCrc(Hex.Parse(ResetAckAnswer), 0));
            Assert.IsFalse(Ads131m02.CheckOutputCrc(Hex.Parse("FF 22 00 00 00 00 00 00 01 60 81 00"), 0));
        }

        /// <summary>Output frame with a response word and zero data, CRC computed.</summary>
        internal static string Answer(int response)
        {
            byte[] f = new byte[Ads131m02.FrameBytes];
            f[0] = (byte)(response >> 8);
            f[1] = (byte)response;
            ushort crc = Crc16Ccitt.Compute(f, 0, 9);
            f[9] = (byte)(crc >> 8);
            f[10] = (byte)crc;
            return Hex.Format(f, 0, f.Length);
        }

        internal static string Command(int command, bool hasData, int data)
        {
            byte[] f = new byte[Ads131m02.FrameBytes];
            Ads131m02.EncodeCommand((ushort)command, hasData, (ushort)data, f);
            return Hex.Format(f, 0, f.Length);
        }

        /// <summary>Scripts a verified register write: WREG, RREG (answers the ack), NULL (answers the value).</summary>
        internal static void ExpectWrite(ScriptedSpi spi, int address, int value)
        {
            spi.Expect(Command(0x6000 | (address << 7), true, value), Answer(0x0500));
            spi.Expect(Command(0xA000 | (address << 7), false, 0), Answer(0x4000 | (address << 7)));
            spi.Expect(NullFrame, Answer(value));
        }

        /// <summary>The whole bring-up at 8 kS/s with the given calibration words.</summary>
        internal static void ExpectBringUp(ScriptedSpi spi, int ocal0, int gcal0, int ocal1, int gcal1)
        {
            spi.Expect(NullFrame, ResetAckAnswer);
            spi.Expect(WriteModeFrame, Answer(0x0500));
            spi.Expect(ReadModeFrame, ModeAckAnswer);
            spi.Expect(NullFrame, ModeValueAnswer);
            ExpectWrite(spi, 0x03, 0x030A);
            ExpectWrite(spi, 0x04, 0x0000);
            ExpectWrite(spi, 0x0A, (ocal0 >> 8) & 0xFFFF);
            ExpectWrite(spi, 0x0B, (ocal0 & 0xFF) << 8);
            ExpectWrite(spi, 0x0C, (gcal0 >> 8) & 0xFFFF);
            ExpectWrite(spi, 0x0D, (gcal0 & 0xFF) << 8);
            ExpectWrite(spi, 0x0F, (ocal1 >> 8) & 0xFFFF);
            ExpectWrite(spi, 0x10, (ocal1 & 0xFF) << 8);
            ExpectWrite(spi, 0x11, (gcal1 >> 8) & 0xFFFF);
            ExpectWrite(spi, 0x12, (gcal1 & 0xFF) << 8);
        }

        [TestMethod]
        public static void BringUpResetsForAtLeast2048ClockPeriodsAndVerifiesEveryWrite()
        {
            ScriptedSpi spi = new ScriptedSpi("ADC");
            FakeOutput reset = new FakeOutput(true);
            FakeClock clock = new FakeClock();
            Ads131m02 adc = new Ads131m02(spi, reset, new FakeInput(true), clock);
            ExpectBringUp(spi, 0, 0x800000, 0, 0x800000);
            Assert.AreEqual(Ads131m02.Ok, adc.Initialize(8000), adc.LastError);
            spi.AssertDone();
            Assert.AreEqual("01", reset.History, "one low pulse on /SYNC/RESET");
            Assert.IsTrue(clock.LongestWait * 8192 / 1000 >= 2048, "reset pulse ≥ 2048 CLKIN periods at 8.192 MHz");
            Assert.IsTrue(adc.IsConfigured);
        }

        [TestMethod]
        public static void CalibrationIsWrittenAgainOnEveryBringUp()
        {
            ScriptedSpi spi = new ScriptedSpi("ADC");
            Ads131m02 adc = new Ads131m02(spi, new FakeOutput(true), new FakeInput(true), new FakeClock());
            adc.SetOffsetCalibration(0, -1234);      // FFFB2Eh: MSB FFFBh, LSB 2E00h
            adc.SetGainCalibration(1, 0x812345);
            ExpectBringUp(spi, -1234 & 0xFFFFFF, 0x800000, 0, 0x812345);
            ExpectBringUp(spi, -1234 & 0xFFFFFF, 0x800000, 0, 0x812345);
            Assert.AreEqual(Ads131m02.Ok, adc.Initialize(8000), adc.LastError);
            Assert.AreEqual(Ads131m02.Ok, adc.Initialize(8000), adc.LastError);
            spi.AssertDone();
        }

        [TestMethod]
        public static void WrongResetResponseFailsAndStops()
        {
            ScriptedSpi spi = new ScriptedSpi("ADC");
            Ads131m02 adc = new Ads131m02(spi, new FakeOutput(true), new FakeInput(true), new FakeClock());
            spi.Expect(NullFrame, Answer(0x0500));
            Assert.AreEqual(Ads131m02.ErrorResetResponse, adc.Initialize(8000));
            Assert.Contains("reset response 0x0500, expected 0xFF22", adc.LastError);
            Assert.IsFalse(adc.IsConfigured);
            spi.AssertDone();
        }

        [TestMethod]
        public static void CrcErrorOnRegisterTrafficFails()
        {
            ScriptedSpi spi = new ScriptedSpi("ADC");
            Ads131m02 adc = new Ads131m02(spi, new FakeOutput(true), new FakeInput(true), new FakeClock());
            spi.Expect(NullFrame, ResetAckAnswer);
            spi.Expect(WriteModeFrame, Answer(0x0500));
            spi.Expect(ReadModeFrame, "41 00 00 00 00 00 00 00 00 AC 89 00");   // CRC off by one bit
            Assert.AreEqual(Ads131m02.ErrorCrc, adc.Initialize(8000));
            Assert.Contains("CRC error on MODE", adc.LastError);
            spi.AssertDone();
        }

        [TestMethod]
        public static void StuckMisoIsNamed()
        {
            ScriptedSpi high = new ScriptedSpi("ADC");
            high.Expect(NullFrame, "FF FF FF FF FF FF FF FF FF FF FF FF");
            Ads131m02 adc = new Ads131m02(high, new FakeOutput(true), new FakeInput(true), new FakeClock());
            Assert.AreEqual(Ads131m02.ErrorCrc, adc.Initialize(8000));
            Assert.Contains("MISO stuck high", adc.LastError);

            ScriptedSpi low = new ScriptedSpi("ADC");
            low.Expect(NullFrame, "00 00 00 00 00 00 00 00 00 00 00 00");
            adc = new Ads131m02(low, new FakeOutput(true), new FakeInput(true), new FakeClock());
            Assert.AreEqual(Ads131m02.ErrorCrc, adc.Initialize(8000));
            Assert.Contains("MISO stuck low", adc.LastError);
        }

        [TestMethod]
        public static void ReadBackMismatchFails()
        {
            ScriptedSpi spi = new ScriptedSpi("ADC");
            Ads131m02 adc = new Ads131m02(spi, new FakeOutput(true), new FakeInput(true), new FakeClock());
            spi.Expect(NullFrame, ResetAckAnswer);
            spi.Expect(WriteModeFrame, Answer(0x0500));
            spi.Expect(ReadModeFrame, ModeAckAnswer);
            spi.Expect(NullFrame, Answer(0x0510));
            Assert.AreEqual(Ads131m02.ErrorReadBack, adc.Initialize(8000));
            Assert.Contains("MODE reads back 0x0510, wrote 0x1110", adc.LastError);
            spi.AssertDone();
        }

        [TestMethod]
        public static void UnsupportedRateIsRefusedWithoutTouchingTheChip()
        {
            ScriptedSpi spi = new ScriptedSpi("ADC");
            FakeOutput reset = new FakeOutput(true);
            Ads131m02 adc = new Ads131m02(spi, reset, new FakeInput(true), new FakeClock());
            Assert.AreEqual(Ads131m02.ErrorRate, adc.Initialize(48000));
            Assert.AreEqual(0, reset.Writes);
            spi.AssertDone();
        }

        [TestMethod]
        public static void StreamingReadsOneRawFrameIntoTheBlock()
        {
            ScriptedSpi spi = new ScriptedSpi("ADC");
            spi.Expect(NullFrame, "05 03 00 00 01 00 FF FF FF 12 34 00");
            Ads131m02 adc = new Ads131m02(spi, new FakeOutput(true), new FakeInput(false), new FakeClock());
            byte[] block = new byte[20];
            Assert.IsTrue(adc.DataReady, "/DRDY low means data ready");
            adc.ReadFrame(block, 4);
            Assert.AreEqual("00 00 00 00 05 03 00 00 01 00 FF FF FF 12 34 00 00 00 00 00", Hex.Format(block, 0, 20));
            spi.AssertDone();
        }
    }
}
