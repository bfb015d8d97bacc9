// Where captured samples go: a 24-bit WAV file or stream, or raw PCM for pipes.
using System;
using System.IO;

namespace PreampFirmware.Client;

/// <summary>Receives interleaved frames of 24-bit samples (one array per written channel).</summary>
public interface ISampleSink : IDisposable
{
    /// <summary>Appends <paramref name="count"/> frames; <paramref name="channels"/> holds one array per written channel.</summary>
    void Write(int[][] channels, int offset, int count);
}

/// <summary>Sample formats a capture can write.</summary>
public static class SampleFormat
{
    /// <summary>RIFF/WAVE, 24-bit PCM.</summary>
    public const string Wav = "wav";
    /// <summary>Raw signed 24-bit little-endian, interleaved (sox: -t s24 -L; ffmpeg: -f s24le).</summary>
    public const string S24le = "s24le";
    /// <summary>Raw signed 32-bit little-endian, the 24 bits left-justified (full scale is full scale).</summary>
    public const string S32le = "s32le";

    /// <summary>True for a format this tool writes.</summary>
    public static bool IsKnown(string format) => format is Wav or S24le or S32le;

    /// <summary>Opens a sink of <paramref name="format"/> on <paramref name="stream"/>; a WAV header announces <paramref name="frames"/> frames.</summary>
    public static ISampleSink Open(string format, Stream stream, int rate, int channels, long frames) => format switch
    {
        Wav => new WavWriter(stream, rate, channels, frames),
        S24le => new RawPcmWriter(stream, channels, 3),
        S32le => new RawPcmWriter(stream, channels, 4),
        _ => throw new ArgumentException("format is wav, s24le or s32le, not " + format),
    };
}

/// <summary>
/// Writes 24-bit PCM as RIFF/WAVE. On a file the sizes are fixed on dispose; on a pipe (not seekable) the header
/// announces the frames expected, which is what streaming readers (sox, ffmpeg) take.
/// </summary>
public sealed class WavWriter : ISampleSink
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly PcmPacker _packer;
    private long _frames;

    /// <summary>Creates <paramref name="path"/> for <paramref name="channels"/> channels at <paramref name="rate"/> S/s.</summary>
    public WavWriter(string path, int rate, int channels) : this(new FileStream(path, FileMode.Create, FileAccess.Write), rate, channels, 0, true) { }

    /// <summary>Writes to <paramref name="stream"/> (left open); <paramref name="expectedFrames"/> goes in the header of a stream that cannot seek.</summary>
    public WavWriter(Stream stream, int rate, int channels, long expectedFrames) : this(stream, rate, channels, expectedFrames, false) { }

    private WavWriter(Stream stream, int rate, int channels, long expectedFrames, bool owns)
    {
        _stream = stream;
        _ownsStream = owns;
        _packer = new PcmPacker(channels, 3);
        long data = expectedFrames * 3 * channels;
        var w = new BinaryWriter(_stream);
        w.Write("RIFF"u8);
        w.Write((int)Math.Min(uint.MaxValue, 36 + data));
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((short)1);                 // PCM
        w.Write((short)channels);
        w.Write(rate);
        w.Write(rate * channels * 3);      // byte rate
        w.Write((short)(channels * 3));    // block align
        w.Write((short)24);
        w.Write("data"u8);
        w.Write((int)data);
        w.Flush();
    }

    /// <summary>Frames written.</summary>
    public long Frames => _frames;

    /// <summary>A `cue ` chunk with a point per range, then LIST/adtl with each point's label (labl) and length (ltxt, purpose "rgn ").</summary>
    private static void WriteMarkers(Stream stream, System.Collections.Generic.IReadOnlyList<FilledRange> markers)
    {
        var w = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        w.Write("cue "u8);
        w.Write(4 + 24 * markers.Count);
        w.Write(markers.Count);
        for (int i = 0; i < markers.Count; i++)
        {
            w.Write(i + 1);                        // cue point id
            w.Write((uint)markers[i].Start);       // position, frames
            w.Write("data"u8);
            w.Write(0);                            // chunk start
            w.Write(0);                            // block start
            w.Write((uint)markers[i].Start);       // sample offset, frames
        }
        var list = new MemoryStream();
        var l = new BinaryWriter(list);
        l.Write("adtl"u8);
        for (int i = 0; i < markers.Count; i++)
        {
            byte[] text = System.Text.Encoding.ASCII.GetBytes(markers[i].Label + "\0");
            l.Write("labl"u8);
            l.Write(4 + text.Length);
            l.Write(i + 1);
            l.Write(text);
            if (text.Length % 2 == 1) l.Write((byte)0);
            l.Write("ltxt"u8);
            l.Write(20);
            l.Write(i + 1);
            l.Write((uint)markers[i].Frames);      // length, frames
            l.Write("rgn "u8);
            l.Write(0L);                           // country, language, dialect, code page
        }
        l.Flush();
        w.Write("LIST"u8);
        w.Write((int)list.Length);
        w.Write(list.ToArray());
        w.Flush();
    }

    /// <inheritdoc />
    public void Write(int[][] channels, int offset, int count)
    {
        _packer.Write(_stream, channels, offset, count);
        _frames += count;
    }

    /// <summary>
    /// Ranges to mark in the file (a file only: on a pipe the header has gone out): each becomes a cue point at its first
    /// frame with a label (LIST/adtl labl) and its length (ltxt, a region), which DAWs such as Reaper show as markers.
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<FilledRange> Markers { get; set; }

    /// <summary>Writes the markers and the chunk sizes (when the stream can seek) and closes or flushes.</summary>
    public void Dispose()
    {
        if (_stream.CanSeek)
        {
            long data = _frames * _packer.BytesPerFrame;
            _stream.Position = 44 + data;
            if (data % 2 == 1) _stream.WriteByte(0);   // RIFF chunks start on even offsets
            if (Markers is { Count: > 0 }) WriteMarkers(_stream, Markers);
            _stream.SetLength(_stream.Position);
            _stream.Position = 4;
            _stream.Write(BitConverter.GetBytes((int)(_stream.Length - 8)));
            _stream.Position = 40;
            _stream.Write(BitConverter.GetBytes((int)data));
        }
        if (_ownsStream) _stream.Dispose();
        else _stream.Flush();
    }
}

/// <summary>The cue points of a WAV file: a `cue ` chunk and a LIST/adtl chunk with a labl and an ltxt per point.</summary>

/// <summary>Writes raw interleaved little-endian PCM: 24-bit in 3 bytes, or left-justified in 4.</summary>
public sealed class RawPcmWriter : ISampleSink
{
    private readonly Stream _stream;
    private readonly PcmPacker _packer;

    /// <summary>Raw PCM of <paramref name="bytesPerSample"/> (3 or 4) bytes per sample on <paramref name="stream"/> (left open).</summary>
    public RawPcmWriter(Stream stream, int channels, int bytesPerSample)
    {
        _stream = stream;
        _packer = new PcmPacker(channels, bytesPerSample);
    }

    /// <inheritdoc />
    public void Write(int[][] channels, int offset, int count) => _packer.Write(_stream, channels, offset, count);

    /// <inheritdoc />
    public void Dispose() => _stream.Flush();
}

/// <summary>Packs 24-bit samples into little-endian bytes, 3 per sample or left-justified in 4.</summary>
internal sealed class PcmPacker
{
    private readonly int _channels;
    private readonly int _bytes;
    private readonly byte[] _buffer = new byte[4 * 8 * 1024];

    public PcmPacker(int channels, int bytesPerSample)
    {
        _channels = channels;
        _bytes = bytesPerSample;
    }

    public int BytesPerFrame => _channels * _bytes;

    public void Write(Stream stream, int[][] channels, int offset, int count)
    {
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            if (at + BytesPerFrame > _buffer.Length)
            {
                stream.Write(_buffer, 0, at);
                at = 0;
            }
            for (int c = 0; c < _channels; c++)
            {
                int v = channels[c][offset + i];
                if (_bytes == 4) _buffer[at++] = 0;
                _buffer[at++] = (byte)v;
                _buffer[at++] = (byte)(v >> 8);
                _buffer[at++] = (byte)(v >> 16);
            }
        }
        stream.Write(_buffer, 0, at);
    }
}
