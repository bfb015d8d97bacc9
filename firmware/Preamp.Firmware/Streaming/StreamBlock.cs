// The stream block on the wire (device → host): a header, the samples as the I2S DMA delivered them, two CRC-32s.
using PreampFirmware.Hal;

namespace PreampFirmware.Streaming
{
    /*
     * Stream block v2 (board rev B), little-endian fields:
     *
     *   off size
     *    0   2  sync A5 5A                (0xA5 never starts a text line: text is 7-bit ASCII)
     *    2   1  type 02 = audio block
     *    3   1  layout 10h = frames of two 24-bit little-endian samples, channel 1 first; 11h = channel 2 first
     *    4   4  sequence number: blocks put on the link since STReam:STARt
     *    8   4  first frame: stream frame number of the block's first frame. Frames count from STReam:STARt at the
     *           converter's rate, lost ones included, so the host places every block exactly and fills gaps
     *   12   4  device time when the block was read, µs (wraps)
     *   16   4  sample rate, S/s
     *   20   2  frames N in this block
     *   22   1  gain of channel 1 in force, dB       23  1  gain of channel 2, dB
     *   24   1  b0 phantom1 b1 pad1 b2 polarity1 b3 mute1 b4 phantom2 b5 pad2 b6 polarity2 b7 mute2
     *   25   1  b0 frames were lost before this block, b1 OVR ch1 seen, b2 OVR ch2 seen,
     *           b3-b4 the samples' framing as the device's check found it (SampleFraming): 00 as the converter sent
     *           them, 01 each sample's three bytes in reverse order, 10 each sample's 24 bits in reverse order, 11
     *           reserved; the host undoes 01 and 10 bit for bit. A host from before this field ignores it and takes the
     *           samples as they came (the board also says so: a -300 error and DIAGnostic:ADC:FRAMing?). b5-b7 are 0
     *   26   4  frames the converter's DMA dropped since start (the sample loop read too late)
     *   30   4  frames the device dropped since start because the link could not take them
     *   34   4  stream frame number of channel 1's last gain command (FFFFFFFFh none): the PGA2500 applies it at
     *           the next zero crossing (≤ 16 ms later), which the host finds in the samples
     *   38   4  the same for channel 2
     *   42   4  CRC-32 of bytes 0..41 (lets the host trust the length before the block is complete)
     *   46  6N  frames, oldest first, exactly as the I2S DMA wrote them: [sample 24 bit LE][sample 24 bit LE]
     *   46+6N 4 CRC-32 of bytes 0..45+6N: header and samples, checked end to end by the host
     *
     * Per block the device reads N frames into place with one native call, writes the header fields and computes the
     * two CRC-32s natively (System.IO.Hashing on the ESP32): no managed loop over samples or bytes.
     */

    /// <summary>Layout and stamping of a stream block.</summary>
    public static class StreamBlock
    {
        /// <summary>Header bytes before the frames (including the header CRC).</summary>
        public const int HeaderBytes = 46;
        /// <summary>Bytes of the block CRC after the frames.</summary>
        public const int TrailerBytes = 4;
        /// <summary>Header bytes covered by the header CRC.</summary>
        public const int HeaderCrcAt = 42;
        /// <summary>First sync byte.</summary>
        public const byte Sync0 = 0xA5;
        /// <summary>Second sync byte.</summary>
        public const byte Sync1 = 0x5A;
        /// <summary>Block type: audio frames.</summary>
        public const byte TypeAudio = 0x02;
        /// <summary>Layout: two 24-bit little-endian samples per frame, channel 1 first.</summary>
        public const byte LayoutChannel1First = 0x10;
        /// <summary>Layout: the same with channel 2 first.</summary>
        public const byte LayoutChannel2First = 0x11;
        /// <summary>Flags: frames were lost (converter or link) between the previous block and this one.</summary>
        public const int FlagFramesLost = 0x01;
        /// <summary>Flags: OVR of channel 1 seen during the block.</summary>
        public const int FlagOverload1 = 0x02;
        /// <summary>Flags: OVR of channel 2 seen during the block.</summary>
        public const int FlagOverload2 = 0x04;
        /// <summary>Flags: the samples' framing (b3-b4, see <see cref="SampleFraming.HeaderFlags"/>).</summary>
        public const int FlagFramingMask = 0x18;
        /// <summary>Gain command field: none since STReam:STARt.</summary>
        public const uint NoGainCommand = 0xFFFFFFFF;

        /// <summary>Bytes of a block of <paramref name="frames"/> frames on the wire.</summary>
        public static int Bytes(int frames)
        {
            return HeaderBytes + AudioFrame.Bytes * frames + TrailerBytes;
        }

        /// <summary>The layout byte for a converter whose channel 1 sits in <paramref name="channelOneSlot"/>.</summary>
        public static byte LayoutFor(int channelOneSlot)
        {
            return channelOneSlot == 0 ? LayoutChannel1First : LayoutChannel2First;
        }

        /// <summary>
        /// Writes the header of a block whose <paramref name="frames"/> frames are already in place at
        /// <see cref="HeaderBytes"/>, and both CRCs.
        /// </summary>
        public static void Seal(byte[] b, ICrc32 crc, byte layout, uint sequence, uint firstFrame, uint timeUs, int sampleRate, int frames,
                                int gain1, int gain2, int relayBits, int flags, uint converterLost, uint linkDropped, uint gainCommand1, uint gainCommand2)
        {
            b[0] = Sync0;
            b[1] = Sync1;
            b[2] = TypeAudio;
            b[3] = layout;
            PutUInt32(b, 4, sequence);
            PutUInt32(b, 8, firstFrame);
            PutUInt32(b, 12, timeUs);
            PutUInt32(b, 16, (uint)sampleRate);
            b[20] = (byte)frames;
            b[21] = (byte)(frames >> 8);
            b[22] = (byte)gain1;
            b[23] = (byte)gain2;
            b[24] = (byte)relayBits;
            b[25] = (byte)flags;
            PutUInt32(b, 26, converterLost);
            PutUInt32(b, 30, linkDropped);
            PutUInt32(b, 34, gainCommand1);
            PutUInt32(b, 38, gainCommand2);
            PutUInt32(b, HeaderCrcAt, crc.Compute(b, 0, HeaderCrcAt));
            int end = HeaderBytes + AudioFrame.Bytes * frames;
            PutUInt32(b, end, crc.Compute(b, 0, end));
        }

        /// <summary>Writes <paramref name="v"/> little-endian at <paramref name="at"/>.</summary>
        public static void PutUInt32(byte[] b, int at, uint v)
        {
            b[at] = (byte)v;
            b[at + 1] = (byte)(v >> 8);
            b[at + 2] = (byte)(v >> 16);
            b[at + 3] = (byte)(v >> 24);
        }

        /// <summary>Reads a little-endian 32-bit field.</summary>
        public static uint GetUInt32(byte[] b, int at)
        {
            return (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));
        }
    }
}
