// 24-bit PCM WAV files.
using System;
using System.IO;

namespace PreampFirmware.Client;

/// <summary>Writes interleaved 24-bit PCM samples to a RIFF/WAVE file; sizes are filled in on dispose.</summary>
public sealed class WavWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly int _channels;
    private long _frames;
    private readonly byte[] _buffer = new byte[3 * 8 * 1024];

    /// <summary>Creates <paramref name="path"/> for <paramref name="channels"/> channels at <paramref name="rate"/> S/s.</summary>
    public WavWriter(string path, int rate, int channels)
    {
        _channels = channels;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        var w = new BinaryWriter(_stream);
        w.Write("RIFF"u8);
        w.Write(0);
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
        w.Write(0);
        w.Flush();
    }

    /// <summary>Frames written.</summary>
    public long Frames => _frames;

    /// <summary>Appends <paramref name="count"/> frames; <paramref name="channels"/> holds one array per written channel.</summary>
    public void Write(int[][] channels, int offset, int count)
    {
        int bytesPerFrame = 3 * _channels;
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            if (at + bytesPerFrame > _buffer.Length)
            {
                _stream.Write(_buffer, 0, at);
                at = 0;
            }
            for (int c = 0; c < _channels; c++)
            {
                int v = channels[c][offset + i];
                _buffer[at++] = (byte)v;
                _buffer[at++] = (byte)(v >> 8);
                _buffer[at++] = (byte)(v >> 16);
            }
        }
        _stream.Write(_buffer, 0, at);
        _frames += count;
    }

    /// <summary>Writes the chunk sizes and closes the file.</summary>
    public void Dispose()
    {
        long data = _frames * 3 * _channels;
        _stream.Position = 4;
        _stream.Write(BitConverter.GetBytes((int)(36 + data)));
        _stream.Position = 40;
        _stream.Write(BitConverter.GetBytes((int)data));
        _stream.Dispose();
    }
}
