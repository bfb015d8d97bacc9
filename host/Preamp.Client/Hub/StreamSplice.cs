// Keeps the stream a hub's consumers see one stream across the board going away and coming back.
using System;
using System.IO.Hashing;

namespace PreampFirmware.Client;

/// <summary>
/// After the board's link was lost (or the board restarted) while clients took the stream, the stream the hub starts
/// again begins at frame 0. Each consumer would take that for a repeat and drop it, so the hub renumbers the new
/// stream's blocks to follow the old one: sequence numbers skip at least one (the consumer counts blocks missing on the
/// link), frame numbers skip the time the board was away at the stream's rate (the consumer fills exactly that with
/// silence and marks it), the device's loss counters and gain-command frame numbers go on from where they were. The
/// header and block CRC-32s are computed again (a damaged block stays damaged). While nothing was lost the blocks go
/// through untouched.
/// </summary>
public sealed class StreamSplice
{
    private bool _started;
    private bool _broken;
    private uint _lastSequence;
    private long _lastEnd;
    private uint _lastConverter, _lastLink;
    private double _lastAt;
    private long _frameOffset;
    private uint _sequenceOffset, _converterOffset, _linkOffset;

    /// <summary>Frames of silence put in for the times the board was away, since the hub started.</summary>
    public long GapFrames { get; private set; }

    /// <summary>The link was lost or the board restarted: the next block may begin a new stream.</summary>
    public void Break() => _broken = true;

    /// <summary>No one takes the stream any more: the next stream is a new one, numbered as the board numbers it.</summary>
    public void Reset()
    {
        _started = false;
        _broken = false;
        _frameOffset = 0;
        _sequenceOffset = _converterOffset = _linkOffset = 0;
    }

    /// <summary>The bytes to forward for the block in <paramref name="b"/>[0..<paramref name="n"/>) that arrived at <paramref name="now"/> s.</summary>
    public byte[] Process(byte[] b, int n, double now)
    {
        uint sequence = U32(b, 4), first = U32(b, 8), converter = U32(b, 26), link = U32(b, 30);
        int rate = (int)U32(b, 16), frames = b[20] | (b[21] << 8);
        bool fresh = false;
        if (_started && _broken)
        {
            long firstOut = first + _frameOffset;
            if ((int)(sequence + _sequenceOffset - _lastSequence) <= 0 || firstOut < _lastEnd)
            {
                long gap = Math.Max(0, (long)Math.Round((now - _lastAt) * rate) - frames);
                _frameOffset = _lastEnd + gap - first;
                _sequenceOffset = _lastSequence + (gap > 0 ? 2u : 1u) - sequence;
                _converterOffset = _lastConverter - converter;
                _linkOffset = _lastLink - link;
                GapFrames += gap;
                fresh = gap > 0;
            }
            _broken = false;
        }
        _started = true;
        _lastSequence = sequence + _sequenceOffset;
        _lastEnd = first + _frameOffset + frames;
        _lastConverter = converter + _converterOffset;
        _lastLink = link + _linkOffset;
        _lastAt = now;
        if (_frameOffset == 0 && _sequenceOffset == 0 && _converterOffset == 0 && _linkOffset == 0) return b;
        var o = new byte[n];
        Array.Copy(b, o, n);
        int end = StreamDecoder.HeaderBytes + StreamDecoder.FrameBytes * frames;
        bool intact = n >= end + 4 && Crc32.HashToUInt32(o.AsSpan(0, end)) == U32(o, end);
        Put(o, 4, _lastSequence);
        Put(o, 8, (uint)(first + _frameOffset));
        Put(o, 26, _lastConverter);
        Put(o, 30, _lastLink);
        for (int at = 34; at <= 38; at += 4)
        {
            uint command = U32(o, at);
            if (command != 0xFFFFFFFF) Put(o, at, (uint)(command + _frameOffset));
        }
        if (fresh) o[25] |= 1;   // frames lost before this block
        Put(o, StreamDecoder.HeaderBytes - 4, Crc32.HashToUInt32(o.AsSpan(0, StreamDecoder.HeaderBytes - 4)));
        if (n >= end + 4) Put(o, end, Crc32.HashToUInt32(o.AsSpan(0, end)) ^ (intact ? 0u : 1u));
        return o;
    }

    private static uint U32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

    private static void Put(byte[] b, int at, uint v)
    {
        b[at] = (byte)v;
        b[at + 1] = (byte)(v >> 8);
        b[at + 2] = (byte)(v >> 16);
        b[at + 3] = (byte)(v >> 24);
    }
}
