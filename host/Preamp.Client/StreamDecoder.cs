// Host side of the link: separates text answers from binary stream blocks and checks every block end to end.
using System;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Text;

namespace PreampFirmware.Client;

/// <summary>One decoded stream block, in time order.</summary>
public sealed class SampleBlock
{
    /// <summary>Device sequence number (blocks put on the link since start).</summary>
    public uint Sequence { get; init; }
    /// <summary>Stream frame number of the block's first frame (frames since start at the converter's rate, lost ones included).</summary>
    public uint FirstFrame { get; init; }
    /// <summary>Device time when the block was read, µs (wraps at 2^32).</summary>
    public uint TimestampUs { get; init; }
    /// <summary>Sample rate, S/s.</summary>
    public int Rate { get; init; }
    /// <summary>Gain of channel 1 in force, dB.</summary>
    public int Gain1 { get; init; }
    /// <summary>Gain of channel 2, dB.</summary>
    public int Gain2 { get; init; }
    /// <summary>Relay and mute bits (b0 phantom1, b1 pad1, b2 polarity1, b3 mute1, b4..b7 channel 2).</summary>
    public int RelayBits { get; init; }
    /// <summary>Flags (b0 frames lost before this block, b1/b2 overload seen, b3-b4 the framing the device found).</summary>
    public int Flags { get; init; }
    /// <summary>
    /// How the samples arrived from the converter (flags b3-b4): <see cref="StreamDecoder.FramingAsSent"/>,
    /// <see cref="StreamDecoder.FramingByteSwap"/> or <see cref="StreamDecoder.FramingBitReverse"/>. <see cref="Samples"/>
    /// already has it undone.
    /// </summary>
    public int Framing => (Flags >> StreamDecoder.FramingShift) & 3;
    /// <summary>Frames the converter's DMA dropped since start (the device's count).</summary>
    public uint ConverterLost { get; init; }
    /// <summary>Frames the device dropped since start because the link could not take them.</summary>
    public uint LinkDropped { get; init; }
    /// <summary>Stream frame number of channel 1's last gain command, or -1 for none.</summary>
    public long GainCommand1 { get; init; } = -1;
    /// <summary>The same for channel 2.</summary>
    public long GainCommand2 { get; init; } = -1;
    /// <summary>Samples of channel 1 and 2, 24-bit values; a damaged block reads 0.</summary>
    public int[][] Samples { get; init; }
    /// <summary>True when the block failed its CRC-32: its samples are silence, its header (checked by its own CRC) still places it.</summary>
    public bool Damaged { get; init; }

    /// <summary>Frames in the block.</summary>
    public int Frames => Samples[0].Length;
}

/// <summary>
/// Parses the device-to-host byte stream: 7-bit ASCII text lines (answers) and binary stream blocks that start with
/// A5 5A 02 (layout in firmware/Preamp.Firmware/Streaming/StreamBlock.cs). A header is taken only when its own CRC-32
/// holds; a block whose CRC-32 over header and samples fails is reported damaged, and when a valid header starts
/// inside it (it lost bytes and swallowed the next one) decoding resumes there.
/// <para>
/// The device writes every answer line and every block whole, so text and blocks never share bytes. A block whose
/// header was damaged reads as text, and its samples may hold line ends with printable bytes between them: such lines
/// are not answers. So after any damaged byte, lines that end within one block length of it are dropped (the damaged
/// block cannot reach further), and a valid header throws away any partial line before it (an answer always ends with
/// its LF before the next block starts). A dropped answer makes a query wait and fail; it never reads junk.
/// </para>
/// </summary>
public sealed class StreamDecoder
{
    /// <summary>Header bytes, including the header CRC.</summary>
    public const int HeaderBytes = 46;
    /// <summary>Bytes of the block CRC after the samples.</summary>
    public const int TrailerBytes = 4;
    /// <summary>Bytes per frame (two 24-bit samples).</summary>
    public const int FrameBytes = 6;
    /// <summary>Largest block accepted, frames.</summary>
    public const int MaxFrames = 4096;
    /// <summary>Where the framing sits in the header's flags byte (b3-b4).</summary>
    public const int FramingShift = 3;
    /// <summary>Framing: samples as the converter sent them.</summary>
    public const int FramingAsSent = 0;
    /// <summary>Framing: each sample's three bytes arrived in reverse order.</summary>
    public const int FramingByteSwap = 1;
    /// <summary>Framing: each sample's 24 bits arrived in reverse order.</summary>
    public const int FramingBitReverse = 2;

    private readonly List<byte> _pending = new();
    private readonly StringBuilder _text = new();

    /// <summary>A text line arrived (without its LF).</summary>
    public event Action<string> Line;

    /// <summary>A stream block arrived whose header was valid.</summary>
    public event Action<SampleBlock> Block;

    /// <summary>
    /// The bytes of each block as they came (bytes, count), raised before <see cref="Block"/>: what a hub forwards. A damaged
    /// block that lost bytes ends where the next valid header starts.
    /// </summary>
    public event Action<byte[], int> BlockData;

    /// <summary>Bytes thrown away while looking for a valid block header (damaged blocks).</summary>
    public long DiscardedBytes { get; private set; }

    /// <summary>Text lines dropped because damaged bytes came before them on the same line (they may be garbled answers).</summary>
    public long DroppedLines { get; private set; }

    private bool _tainted;
    /// <summary>Bytes consumed since the decoder started (the position of _pending[0]).</summary>
    private long _consumed;
    /// <summary>Lines that end before this position may be samples of a block whose header was damaged.</summary>
    private long _junkUntil;
    /// <summary>Length of the last block with a valid header, bytes: how far a damaged one can reach.</summary>
    private int _lastBlockBytes;

    /// <summary>Headers that failed their CRC.</summary>
    public long BadHeaders { get; private set; }

    /// <summary>Bytes of a block of <paramref name="frames"/> frames.</summary>
    public static int BlockBytes(int frames) => HeaderBytes + FrameBytes * frames + TrailerBytes;

    /// <summary>Feeds bytes as they arrive.</summary>
    public void Feed(byte[] data, int offset, int count)
    {
        for (int i = 0; i < count; i++) _pending.Add(data[offset + i]);
        Parse();
    }

    private void Parse()
    {
        int pos = 0;
        while (pos < _pending.Count)
        {
            byte b = _pending[pos];
            if (b == 0xA5)
            {
                if (_pending.Count - pos < HeaderBytes)
                {
                    if (MayBeHeader(pos)) break;   // wait for the rest of a header
                    Damaged(pos);
                    pos++;
                    continue;
                }
                int frames = HeaderFrames(pos);
                if (frames < 0)
                {
                    BadHeaders++;
                    Damaged(pos);
                    pos++;
                    continue;
                }
                int total = BlockBytes(frames);
                if (_pending.Count - pos < total) break;
                var bytes = _pending.GetRange(pos, total).ToArray();
                var block = DecodeBlock(bytes, frames);
                int next = total;
                bool waitForMore = false;
                if (block.Damaged)
                {
                    // A block cut short by lost bytes swallows the start of the next one: if a valid header begins
                    // inside this block's span, resume there, so one lost byte costs one block, not two.
                    for (int q = 1; q < total; q++)
                    {
                        int at = pos + q;
                        if (_pending[at] != 0xA5) continue;
                        if (_pending.Count - at < HeaderBytes)
                        {
                            waitForMore = MayBeHeader(at);   // a header may be arriving: decide when it has
                            if (waitForMore) break;
                            continue;
                        }
                        if (HeaderFrames(at) >= 0)
                        {
                            next = q;
                            break;
                        }
                    }
                }
                if (waitForMore) break;
                // A block boundary: what came before it without a line end was not an answer, and damage before it is over.
                if (_text.Length > 0 || _tainted) DroppedLines++;
                _text.Clear();
                _tainted = false;
                _junkUntil = 0;
                _lastBlockBytes = total;
                pos += next;
                BlockData?.Invoke(bytes, next);
                Block?.Invoke(block);
                continue;
            }
            if (b == 0x0A)
            {
                // A line that damaged bytes ran into may be an answer with junk before it: dropping it makes the query
                // wait or fail instead of reading a wrong answer.
                if (_tainted || _consumed + pos < _junkUntil) DroppedLines++;
                else Line?.Invoke(_text.ToString());
                _text.Clear();
                _tainted = false;
            }
            else if (b == 0x0D)
            {
            }
            else if (b >= 0x20 && b < 0x7F || b == 0x09)
            {
                _text.Append((char)b);
            }
            else
            {
                Damaged(pos);   // damaged byte outside any block
            }
            pos++;
        }
        _pending.RemoveRange(0, pos);
        _consumed += pos;
    }

    /// <summary>A damaged byte at <paramref name="pos"/>: the line it is in, and any line ending within a block length of it, are not answers.</summary>
    private void Damaged(int pos)
    {
        DiscardedBytes++;
        _tainted = true;
        _junkUntil = Math.Max(_junkUntil, _consumed + pos + _lastBlockBytes);
    }

    /// <summary>True when the bytes from <paramref name="pos"/> to the end could still begin a header.</summary>
    private bool MayBeHeader(int pos)
    {
        int n = _pending.Count - pos;
        return (n < 2 || _pending[pos + 1] == 0x5A) && (n < 3 || _pending[pos + 2] == 0x02) && (n < 4 || _pending[pos + 3] is 0x10 or 0x11);
    }

    /// <summary>Frames in the header at <paramref name="pos"/>, or -1 when it is not a valid header.</summary>
    private int HeaderFrames(int pos)
    {
        if (_pending[pos + 1] != 0x5A || _pending[pos + 2] != 0x02 || _pending[pos + 3] is not (0x10 or 0x11)) return -1;
        var header = new byte[HeaderBytes];
        for (int i = 0; i < HeaderBytes; i++) header[i] = _pending[pos + i];
        if (Crc32.HashToUInt32(header.AsSpan(0, HeaderBytes - 4)) != U32(header, HeaderBytes - 4)) return -1;
        int frames = header[20] | (header[21] << 8);
        return frames is < 1 or > MaxFrames ? -1 : frames;
    }

    /// <summary>Decodes a whole block whose header has been checked: its CRC-32 decides whether its samples count.</summary>
    public static SampleBlock DecodeBlock(byte[] b, int frames)
    {
        var ch1 = new int[frames];
        var ch2 = new int[frames];
        int end = HeaderBytes + FrameBytes * frames;
        bool intact = Crc32.HashToUInt32(b.AsSpan(0, end)) == U32(b, end);
        if (intact)
        {
            int first = b[3] == 0x10 ? 0 : 3, second = 3 - first;
            int framing = (b[25] >> FramingShift) & 3;
            for (int k = 0; k < frames; k++)
            {
                int at = HeaderBytes + FrameBytes * k;
                ch1[k] = Sample(b, at + first, framing);
                ch2[k] = Sample(b, at + second, framing);
            }
        }
        uint g1 = U32(b, 34), g2 = U32(b, 38);
        return new SampleBlock
        {
            Sequence = U32(b, 4),
            FirstFrame = U32(b, 8),
            TimestampUs = U32(b, 12),
            Rate = (int)U32(b, 16),
            Gain1 = b[22],
            Gain2 = b[23],
            RelayBits = b[24],
            Flags = b[25],
            ConverterLost = U32(b, 26),
            LinkDropped = U32(b, 30),
            GainCommand1 = g1 == 0xFFFFFFFF ? -1 : g1,
            GainCommand2 = g2 == 0xFFFFFFFF ? -1 : g2,
            Samples = new[] { ch1, ch2 },
            Damaged = !intact,
        };
    }

    /// <summary>The 24-bit sample at <paramref name="at"/>, with the framing the device flagged undone bit for bit.</summary>
    private static int Sample(byte[] b, int at, int framing)
    {
        int raw = b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
        if (framing == FramingByteSwap) raw = SwapBytes(raw);
        else if (framing == FramingBitReverse) raw = ReverseBits(raw);
        return (raw << 8) >> 8;
    }

    /// <summary>The three bytes of a 24-bit value in reverse order (its own inverse).</summary>
    public static int SwapBytes(int v) => ((v & 0xFF) << 16) | (v & 0xFF00) | ((v >> 16) & 0xFF);

    /// <summary>The 24 bits of a value in reverse order (its own inverse).</summary>
    public static int ReverseBits(int v)
    {
        int r = 0;
        for (int i = 0; i < 24; i++) r |= ((v >> i) & 1) << (23 - i);
        return r;
    }

    private static uint U32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));
}
