// SPI on the simulated board: one chip-select frame at a time, clocked bit by bit in the master's mode and sampled in the
// part's, the two bytes nanoFramework clocks when a device is opened, and fault injection on MISO.
using System;
using System.Collections.Generic;
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>A simulated SPI part: sees one whole chip-select frame per call.</summary>
public interface ISimSpiDevice
{
    /// <summary>CS fell, <paramref name="count"/> bytes were clocked (MOSI in, MISO out), CS rose.</summary>
    void Frame(byte[] mosi, int mosiOffset, byte[] miso, int misoOffset, int count);

    /// <summary>The SPI mode whose edges the part samples MOSI and drives MISO on (0 or 1; CPOL 0 on this board).</summary>
    int SpiMode => 0;
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

/// <summary>
/// The firmware's view of one part on a bus: an <see cref="ISpiChannel"/> that owns the part's CS.
/// <para>
/// Edges (CPOL 0, idle low; one frame of n bits has rising edges R1..Rn and falling edges F1..Fn): in mode 0 a side puts
/// bit k out at CS fall (k = 0) or F(k), and samples bit k at R(k+1); in mode 1 it puts bit k out at R(k+1) and samples
/// at F(k+1). A line sampled on the edge that changes it gives the level from before the edge (the driver's
/// clock-to-output delay is longer than the sampler's hold time), and a line holds its last level between drives. So when
/// the two disagree the bits land shifted by one: a mode-1 master talking to a mode-0 part gives the part each MOSI bit one
/// edge late (it reads the frame shifted right by one bit, behind MOSI's level from before the frame); a mode-0 master
/// reading a mode-1 part samples each MISO bit before the part has driven it (the master reads the part's answer shifted
/// right by one bit). Writes from a mode-0 master reach a mode-1 part intact, and a mode-1 master reads a mode-0 part's
/// answer intact.
/// </para>
/// </summary>
public sealed class SimSpiChannel : ISpiChannel
{
    /// <summary>Bytes nanoFramework clocks with CS asserted when a device is opened (all zero, as modelled here [verify]).</summary>
    public const int OpenGlitchBytes = 2;

    private readonly SimBoard _board;
    private byte[] _scratch = new byte[64];
    private byte[] _shifted = new byte[64];
    private readonly byte[] _glitch = new byte[OpenGlitchBytes];
    private readonly byte[] _glitchIn = new byte[OpenGlitchBytes];
    private int _mosiLevel;
    private int _misoLevel;

    internal SimSpiChannel(SimBoard board, string name, ISimSpiDevice device, long bitsPerSecond)
    {
        _board = board;
        Name = name;
        Device = device;
        BitsPerSecond = bitsPerSecond;
    }

    /// <inheritdoc />
    public int Mode { get; private set; }

    /// <summary>Times the device was opened (at the app's start and by <see cref="Reopen"/>), each with its glitch.</summary>
    public int Opens { get; private set; }

    /// <summary>
    /// The app opens the device (nanoFramework's SpiDevice.Create): CS falls, <see cref="OpenGlitchBytes"/> zero bytes are
    /// clocked in the channel's mode, CS rises. A shift-register part latches them.
    /// </summary>
    public void Open()
    {
        Opens++;
        Array.Clear(_glitch);
        Clock(_glitch, 0, _glitchIn, 0, OpenGlitchBytes);
    }

    /// <inheritdoc />
    public void Reopen(int mode)
    {
        if (mode != 0 && mode != 1) throw new ArgumentOutOfRangeException(nameof(mode), "the simulated bus clocks SPI modes 0 and 1");
        Mode = mode;
        Open();
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
        Clock(tx, txOffset, miso, misoOffset, count);
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

    /// <summary>One CS frame on the wire: MOSI as the part samples it, the part's answer as the master samples it.</summary>
    private void Clock(byte[] tx, int txOffset, byte[] miso, int misoOffset, int count)
    {
        int partMode = Device.SpiMode;
        if (_shifted.Length < count) _shifted = new byte[count];
        if (Mode == 1 && partMode == 0)
        {
            ShiftRight(tx, txOffset, _shifted, count, _mosiLevel);
            Device.Frame(_shifted, 0, miso, misoOffset, count);
        }
        else
        {
            Device.Frame(tx, txOffset, miso, misoOffset, count);
        }
        if (Mode == 0 && partMode == 1)
        {
            ShiftRight(miso, misoOffset, _shifted, count, _misoLevel);
            Array.Copy(_shifted, 0, miso, misoOffset, count);
        }
        if (count > 0)
        {
            _mosiLevel = tx[txOffset + count - 1] & 1;
            _misoLevel = miso[misoOffset + count - 1] & 1;
        }
    }

    /// <summary>The bit stream of <paramref name="count"/> bytes one bit late: <paramref name="first"/> in front, the last bit lost.</summary>
    private static void ShiftRight(byte[] source, int offset, byte[] dest, int count, int first)
    {
        int carry = first & 1;
        for (int i = 0; i < count; i++)
        {
            int b = source[offset + i];
            dest[i] = (byte)((carry << 7) | (b >> 1));
            carry = b & 1;
        }
    }
}
