// Host side of the link: separates text answers from binary stream frames and checks every frame and every sample.
using System;
using System.Collections.Generic;
using System.Text;

namespace PreampFirmware.Client;

/// <summary>One decoded stream frame (block of samples), in time order.</summary>
public sealed class SampleBlock
{
    /// <summary>Device sequence number (blocks since start).</summary>
    public uint Sequence { get; init; }
    /// <summary>Device time of the oldest frame, µs (wraps at 2^32).</summary>
    public uint TimestampUs { get; init; }
    /// <summary>Sample rate, S/s.</summary>
    public int Rate { get; init; }
    /// <summary>Gains in force, dB.</summary>
    public int Gain1 { get; init; }
    /// <summary>Gain of channel 2, dB.</summary>
    public int Gain2 { get; init; }
    /// <summary>Relay and mute bits (b0 phantom1, b1 pad1, b2 polarity1, b3 mute1, b4..b7 channel 2).</summary>
    public int RelayBits { get; init; }
    /// <summary>Flags (b0 device dropped frames before this block, b1/b2 overload seen).</summary>
    public int Flags { get; init; }
    /// <summary>Frames dropped on the device since start, as the device counts them.</summary>
    public uint DeviceDropped { get; init; }
    /// <summary>Samples of channel 1 and 2, 24-bit values; a muted channel and corrupt records read 0.</summary>
    public int[][] Samples { get; init; }
    /// <summary>Frame at which channel 1's gain command came in this block (0xFF none).</summary>
    public int GainChange1 { get; init; } = 0xFF;
    /// <summary>Frame at which channel 2's gain command came in this block (0xFF none).</summary>
    public int GainChange2 { get; init; } = 0xFF;
    /// <summary>Records whose ADC CRC failed (their samples were replaced by silence).</summary>
    public int CorruptRecords { get; init; }

    /// <summary>Frames in the block.</summary>
    public int Frames => Samples[0].Length;
}

/// <summary>
/// Parses the device-to-host byte stream: 7-bit ASCII text lines (answers) and binary stream frames that start
/// with A5 5A. A frame's header must pass its CRC; each record's ADC CRC is recomputed over the block's status
/// word and the record's two samples. Damaged headers are skipped by resynchronising on the next valid header.
/// </summary>
public sealed class StreamDecoder
{
    /// <summary>Header bytes, including the status word.</summary>
    public const int HeaderBytes = 31;
    /// <summary>Record bytes of the CHECKED layout (samples and the ADC's CRC).</summary>
    public const int RecordBytes = 9;
    /// <summary>Record bytes of the PACKED layout (samples only; the block's ADC CRCs folded after the records).</summary>
    public const int PackedRecordBytes = 6;
    /// <summary>Bytes of the folded ADC CRCs after the PACKED records.</summary>
    public const int PackedCheckBytes = 4;
    /// <summary>Largest block accepted, frames.</summary>
    public const int MaxFrames = 4096;

    private readonly List<byte> _pending = new();
    private readonly StringBuilder _text = new();

    /// <summary>A text line arrived (without its LF).</summary>
    public event Action<string> Line;

    /// <summary>A stream frame arrived whose header was valid.</summary>
    public event Action<SampleBlock> Block;

    /// <summary>Bytes thrown away while looking for a valid frame header (damaged frames).</summary>
    public long DiscardedBytes { get; private set; }

    /// <summary>Headers that failed their CRC.</summary>
    public long BadHeaders { get; private set; }

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
                if (_pending.Count - pos < HeaderBytes) break;
                int frames = HeaderLength(pos);
                if (frames < 0)
                {
                    BadHeaders++;
                    DiscardedBytes++;
                    pos++;
                    continue;
                }
                bool packed = _pending[pos + 3] == 0x02;
                int total = packed ? HeaderBytes + frames * PackedRecordBytes + PackedCheckBytes : HeaderBytes + frames * RecordBytes;
                if (_pending.Count - pos < total) break;
                var bytes = _pending.GetRange(pos, total).ToArray();
                var block = DecodeBlock(bytes, frames);
                int next = total;
                bool waitForMore = false;
                if (block.CorruptRecords > 0)
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
                        if (HeaderLength(at) >= 0)
                        {
                            next = q;   // what this block had before the cut still counts where its checks pass
                            break;
                        }
                    }
                }
                if (waitForMore) break;
                pos += next;
                Block?.Invoke(block);
                continue;
            }
            if (b == 0x0A)
            {
                Line?.Invoke(_text.ToString());
                _text.Clear();
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
                DiscardedBytes++;   // damaged byte outside any frame
            }
            pos++;
        }
        _pending.RemoveRange(0, pos);
    }

    /// <summary>True when the bytes from <paramref name="pos"/> to the end could still begin a header.</summary>
    private bool MayBeHeader(int pos)
    {
        int n = _pending.Count - pos;
        return (n < 2 || _pending[pos + 1] == 0x5A) && (n < 3 || _pending[pos + 2] == 0x01) && (n < 4 || _pending[pos + 3] is 0x01 or 0x02);
    }

    /// <summary>Frames in the header at <paramref name="pos"/>, or -1 when it is not a valid header.</summary>
    private int HeaderLength(int pos)
    {
        if (_pending[pos + 1] != 0x5A || _pending[pos + 2] != 0x01 || _pending[pos + 3] is not (0x01 or 0x02)) return -1;
        var header = new byte[26];
        for (int i = 0; i < 26; i++) header[i] = _pending[pos + i];
        ushort crc = Crc16Ccitt.Compute(header, 0, 26);
        ushort sent = (ushort)(_pending[pos + 26] | (_pending[pos + 27] << 8));
        if (crc != sent) return -1;
        int frames = header[12] | (header[13] << 8);
        return frames is < 1 or > MaxFrames ? -1 : frames;
    }

    /// <summary>Decodes a whole block (header already checked).</summary>
    public static SampleBlock DecodeBlock(byte[] b, int frames)
    {
        var ch1 = new int[frames];
        var ch2 = new int[frames];
        int relays = b[18];
        bool mute1 = (relays & 0x08) != 0, mute2 = (relays & 0x80) != 0;
        var crcInput = new byte[9];
        crcInput[0] = b[28]; crcInput[1] = b[29]; crcInput[2] = b[30];
        int corrupt = 0;
        if (b[3] == 0x02)
        {
            // PACKED: every frame's ADC CRC is recomputed over the block's status word and the frame's samples and
            // folded as the device folded the CRCs it received (Fletcher's running sums, time order). A mismatch
            // means some frame was damaged on the SPI bus or the link: the whole block becomes counted silence.
            int sum1 = 0, sum2 = 0;
            for (int k = 0; k < frames; k++)
            {
                Array.Copy(b, HeaderBytes + PackedRecordBytes * (frames - 1 - k), crcInput, 3, 6);
                sum1 += Crc16Ccitt.Compute(crcInput, 0, 9);
                sum2 += sum1;
            }
            int at = HeaderBytes + PackedRecordBytes * frames;
            bool intact = (ushort)sum1 == (ushort)(b[at] | (b[at + 1] << 8)) && (ushort)sum2 == (ushort)(b[at + 2] | (b[at + 3] << 8));
            for (int j = 0; j < frames && intact; j++)
            {
                int r = HeaderBytes + PackedRecordBytes * j;
                int k = frames - 1 - j;
                ch1[k] = mute1 ? 0 : Sample(b, r);
                ch2[k] = mute2 ? 0 : Sample(b, r + 3);
            }
            corrupt = intact ? 0 : frames;
        }
        for (int j = 0; j < frames && b[3] == 0x01; j++)
        {
            int at = HeaderBytes + RecordBytes * j;
            Array.Copy(b, at, crcInput, 3, 6);
            ushort crc = Crc16Ccitt.Compute(crcInput, 0, 9);
            ushort sent = (ushort)((b[at + 6] << 8) | b[at + 7]);
            int k = frames - 1 - j;   // records are newest first
            // The converter pads its 16-bit CRC with a zero byte: anything else there is damage too (and is how a
            // block that lost its last byte shows, having taken the next block's sync byte in its place).
            if (crc != sent || b[at + 8] != 0)
            {
                corrupt++;
                continue;
            }
            ch1[k] = mute1 ? 0 : Sample(b, at);
            ch2[k] = mute2 ? 0 : Sample(b, at + 3);
        }
        return new SampleBlock
        {
            Sequence = U32(b, 4),
            TimestampUs = U32(b, 8),
            Rate = b[14] | (b[15] << 8),
            Gain1 = b[16],
            Gain2 = b[17],
            RelayBits = relays,
            Flags = b[19],
            DeviceDropped = U32(b, 20),
            GainChange1 = b[24],
            GainChange2 = b[25],
            Samples = new[] { ch1, ch2 },
            CorruptRecords = corrupt,
        };
    }

    private static int Sample(byte[] b, int at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8)) >> 8;

    private static uint U32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));
}
