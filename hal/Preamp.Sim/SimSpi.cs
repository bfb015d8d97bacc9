// SPI on the simulated board: one chip-select frame at a time, with fault injection on MISO.
using System;
using System.Collections.Generic;
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>A simulated SPI part: sees one whole chip-select frame per call.</summary>
public interface ISimSpiDevice
{
    /// <summary>CS fell, <paramref name="count"/> bytes were clocked (MOSI in, MISO out), CS rose.</summary>
    void Frame(byte[] mosi, int mosiOffset, byte[] miso, int misoOffset, int count);
}

/// <summary>What the MISO line does instead of carrying the part's answer.</summary>
public enum MisoFault
{
    /// <summary>The part answers.</summary>
    None,
    /// <summary>MISO reads 0xFF (open line with pull-up, or part unpowered).</summary>
    StuckHigh,
    /// <summary>MISO reads 0x00 (shorted to ground).</summary>
    StuckLow,
}

/// <summary>The firmware's view of one part on a bus: an <see cref="ISpiChannel"/> that owns the part's CS.</summary>
public sealed class SimSpiChannel : ISpiChannel
{
    private readonly SimBoard _board;
    private byte[] _scratch = new byte[64];

    internal SimSpiChannel(SimBoard board, string name, ISimSpiDevice device, long bitsPerSecond)
    {
        _board = board;
        Name = name;
        Device = device;
        BitsPerSecond = bitsPerSecond;
    }

    /// <summary>Name of the chip select, as in hardware/pinmap.md.</summary>
    public string Name { get; }

    /// <summary>The part behind this chip select.</summary>
    public ISimSpiDevice Device { get; }

    /// <summary>SCLK rate; each frame advances board time by its wire time when <see cref="AdvanceTime"/> is set.</summary>
    public long BitsPerSecond { get; }

    /// <summary>Frames clocked so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Current MISO fault.</summary>
    public MisoFault Miso { get; set; }

    /// <summary>Flips bit 0 of byte <see cref="CorruptByteIndex"/> of the next N answers (a glitch on MISO).</summary>
    public int CorruptNextFrames { get; set; }

    /// <summary>Which byte of a frame <see cref="CorruptNextFrames"/> damages.</summary>
    public int CorruptByteIndex { get; set; } = 1;

    /// <summary>When set, frames are recorded (MOSI bytes) for golden-transaction tests.</summary>
    public List<byte[]> Log { get; set; }

    /// <summary>When true, a frame takes its wire time in board time.</summary>
    public bool AdvanceTime { get; set; }

    /// <inheritdoc />
    public void Transfer(byte[] tx, int txOffset, byte[] rx, int rxOffset, int count)
    {
        Frames++;
        if (Log != null)
        {
            var copy = new byte[count];
            Array.Copy(tx, txOffset, copy, 0, count);
            Log.Add(copy);
        }
        byte[] miso = rx;
        int misoOffset = rxOffset;
        if (miso == null)
        {
            if (_scratch.Length < count) _scratch = new byte[count];
            miso = _scratch;
            misoOffset = 0;
        }
        Device.Frame(tx, txOffset, miso, misoOffset, count);
        switch (Miso)
        {
            case MisoFault.StuckHigh: Array.Fill(miso, (byte)0xFF, misoOffset, count); break;
            case MisoFault.StuckLow: Array.Clear(miso, misoOffset, count); break;
        }
        if (CorruptNextFrames > 0 && CorruptByteIndex < count)
        {
            CorruptNextFrames--;
            miso[misoOffset + CorruptByteIndex] ^= 0x01;
        }
        if (AdvanceTime && BitsPerSecond > 0)
        {
            _board.AdvanceBy(count * 8L * 1_000_000L / BitsPerSecond);
        }
    }
}
