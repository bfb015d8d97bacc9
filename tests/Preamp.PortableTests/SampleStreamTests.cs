// Stream blocks byte for byte: two ADC frames with their real CRCs, sealed in each layout, against hand-computed blocks.
using nanoFramework.TestFramework;
using PreampFirmware.Drivers;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class SampleStreamTests
    {
        private const string NullFrame = "00 00 00 CC 9C 00 00 00 00 00 00 00";
        // Status 0503h; ch0, ch1; CRC-16-CCITT (seed FFFFh) over the nine bytes before it, computed independently.
        private const string OldestFrame = "05 03 00 12 34 56 FE DC BA 4F CD 00";
        private const string NewestFrame = "05 03 00 00 00 01 FF FF FF 03 13 00";

        // Header: sync, type 01, layout, sequence 0, time 0, 2 frames, 8000 S/s, gains 30/20, relay bits 21h, flags 0,
        // dropped 0, no gain change (FF FF), header CRC (little-endian); then the newest frame's status word.
        // PACKED: newest frame's samples, oldest frame's samples, S1 = 4FCDh + 0313h = 52E0h, S2 = 2·4FCDh + 0313h = A2ADh.
        private const string PackedBlock =
            "A5 5A 01 02 00 00 00 00 00 00 00 00 02 00 40 1F 1E 14 21 00 00 00 00 00 FF FF EE 70 05 03 00 " +
            "00 00 01 FF FF FF 12 34 56 FE DC BA E0 52 AD A2";
        // CHECKED: each record keeps its frame's CRC word (and pad), newest first.
        private const string CheckedBlock =
            "A5 5A 01 01 00 00 00 00 00 00 00 00 02 00 40 1F 1E 14 21 00 00 00 00 00 FF FF F3 DF 05 03 00 " +
            "00 00 01 FF FF FF 03 13 00 12 34 56 FE DC BA 4F CD 00";

        private static SampleStream TwoFrameStream(byte layout, string newest, out ScriptedSpi spi)
        {
            spi = new ScriptedSpi("ADC");
            spi.Expect(NullFrame, OldestFrame);
            spi.Expect(NullFrame, newest);
            Ads131m02 adc = new Ads131m02(spi, new FakeOutput(true), new FakeInput(false), new FakeClock());
            SampleStream stream = new SampleStream(adc, new FakeClock(), 2);
            Assert.IsTrue(stream.SetLayout(layout));
            stream.Start();
            Assert.AreEqual(SampleStream.FrameKept, stream.Acquire());
            int block = stream.Acquire();
            Assert.AreEqual(0, block);
            stream.Seal(block, 8000, 30, 20, 0x21, 0);
            return stream;
        }

        [TestMethod]
        public static void PackedIsTheDefaultLayout()
        {
            SampleStream stream = new SampleStream(new Ads131m02(new ScriptedSpi("ADC"), new FakeOutput(true), new FakeInput(false), new FakeClock()), new FakeClock(), 64);
            Assert.AreEqual(SampleStream.LayoutPacked, stream.Layout);
            Assert.AreEqual(31 + 64 * 6 + 4, stream.BlockLength);
        }

        private static void AssertSealedBlock(byte layout, int length, string expected)
        {
            ScriptedSpi spi;
            SampleStream stream = TwoFrameStream(layout, NewestFrame, out spi);
            spi.AssertDone();
            Assert.AreEqual(length, stream.BlockLength);
            Assert.AreEqual(expected, Hex.Format(stream.PeekReady(), 0, stream.BlockLength));
            Assert.IsTrue(stream.LastBlockIntact);
        }

        [TestMethod]
        public static void PackedBlockCarriesSamplesAndTheFoldedCrcs()
        {
            AssertSealedBlock(SampleStream.LayoutPacked, 47, PackedBlock);
        }

        [TestMethod]
        public static void CheckedBlockKeepsEveryFramesCrc()
        {
            AssertSealedBlock(SampleStream.LayoutChecked, 49, CheckedBlock);
        }

        [TestMethod]
        public static void DeviceSpotCheckSeesADamagedNewestFrame()
        {
            ScriptedSpi spi;
            SampleStream stream = TwoFrameStream(SampleStream.LayoutPacked, "05 03 00 00 00 01 FF FF FE 03 13 00", out spi);
            Assert.IsFalse(stream.LastBlockIntact);
        }

        [TestMethod]
        public static void FramesReadWhileStoppedAreNotKept()
        {
            ScriptedSpi spi = new ScriptedSpi("ADC");
            spi.Expect(NullFrame, OldestFrame);
            SampleStream stream = new SampleStream(new Ads131m02(spi, new FakeOutput(true), new FakeInput(false), new FakeClock()), new FakeClock(), 2);
            Assert.AreEqual(SampleStream.FrameNotKept, stream.Acquire());
            Assert.AreEqual(OldestFrame, Hex.Format(stream.ScratchFrame, 0, 12));
            Assert.AreEqual(0L, stream.FramesAcquired);
            Assert.AreEqual(0L, stream.FramesDropped);
            spi.AssertDone();
        }

        [TestMethod]
        public static void LayoutChangesOnlyWhileStopped()
        {
            SampleStream stream = new SampleStream(new Ads131m02(new ScriptedSpi("ADC"), new FakeOutput(true), new FakeInput(false), new FakeClock()), new FakeClock(), 64);
            stream.Start();
            Assert.IsFalse(stream.SetLayout(SampleStream.LayoutChecked));
            Assert.AreEqual(SampleStream.LayoutPacked, stream.Layout);
            stream.Stop();
            Assert.IsTrue(stream.SetLayout(SampleStream.LayoutChecked));
            Assert.AreEqual(SampleStream.LayoutChecked, stream.Layout);
        }
    }
}
