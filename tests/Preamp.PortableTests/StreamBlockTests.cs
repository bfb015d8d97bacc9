// Stream blocks byte for byte: a two-frame block sealed by the firmware against a hand-assembled block with its CRC-32s.
using nanoFramework.TestFramework;
using PreampFirmware.Hal;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class StreamBlockTests
    {
        // Header: sync, type 02, layout 10h, sequence 1, first frame 512, time 12345678h, 48000 S/s, 2 frames, gains 30/20,
        // relay bits 21h, flags 02h (OVR ch1), DMA lost 256, link dropped 0, gain command ch1 at frame 496, ch2 none,
        // header CRC-32 8A7D1CD4h; frames (ch1 123456h, ch2 −2) and (ch1 7FFFFFh, ch2 −800000h), little-endian;
        // block CRC-32 9E18D686h. Both CRCs computed independently of the firmware (zlib's crc32).
        private const string Block =
            "A5 5A 02 10 01 00 00 00 00 02 00 00 78 56 34 12 80 BB 00 00 02 00 1E 14 21 02 00 01 00 00 00 00 00 00 F0 01 00 00 FF FF FF FF " +
            "D4 1C 7D 8A 56 34 12 FE FF FF FF FF 7F 00 00 80 86 D6 18 9E";

        [TestMethod]
        public static void TheTestCrcIsTheStandardOne()
        {
            byte[] check = { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
            Assert.AreEqual(0xCBF43926u, new TableCrc32().Compute(check, 0, check.Length));
        }

        [TestMethod]
        public static void ASealedBlockIsByteForByteTheLayout()
        {
            byte[] b = new byte[StreamBlock.Bytes(2)];
            Assert.AreEqual(62, b.Length);
            FakeAudioInput.PutSample(b, StreamBlock.HeaderBytes, 0x123456);
            FakeAudioInput.PutSample(b, StreamBlock.HeaderBytes + 3, -2);
            FakeAudioInput.PutSample(b, StreamBlock.HeaderBytes + 6, 0x7FFFFF);
            FakeAudioInput.PutSample(b, StreamBlock.HeaderBytes + 9, -0x800000);
            TableCrc32 crc = new TableCrc32();
            StreamBlock.Seal(b, crc, StreamBlock.LayoutChannel1First, 1, 512, 0x12345678, 48000, 2, 30, 20, 0x21, StreamBlock.FlagOverload1, 256, 0, 496,
                             StreamBlock.NoGainCommand);
            Assert.AreEqual(Block, Hex.Format(b, 0, b.Length));
            Assert.AreEqual(2, crc.Calls, "one CRC over the header, one over the block: nothing per sample");
        }

        [TestMethod]
        public static void TheLayoutByteSaysWhichChannelComesFirst()
        {
            Assert.AreEqual(StreamBlock.LayoutChannel1First, StreamBlock.LayoutFor(0));
            Assert.AreEqual(StreamBlock.LayoutChannel2First, StreamBlock.LayoutFor(1));
            Assert.AreEqual(46 + 256 * AudioFrame.Bytes + 4, StreamBlock.Bytes(256));
        }
    }
}
