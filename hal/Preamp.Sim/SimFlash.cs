// Simulated internal flash with power-cut injection: a write is an erase and page programs, any of which can be the last.
using System;
using System.Collections.Generic;
using System.IO;
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>Thrown inside a flash operation when the simulated power is cut; the board is dead until restarted.</summary>
public sealed class PowerCutException : Exception
{
    /// <summary>Power was cut at flash step <paramref name="step"/>.</summary>
    public PowerCutException(int step) : base("power cut during flash step " + step) { }
}

/// <summary>
/// A small-file store that models a medium that tears: <see cref="WriteAll"/> is one erase step (the file becomes
/// blank, 0xFF, at its new length) followed by one program step per 64-byte page. A power cut ends the step it
/// falls in: an erase completes, a page program is left half done (its first bytes new, the rest erased), so a record
/// can tear inside its payload with its header intact. Optionally persisted to a host file (the simulator's --flash FILE).
/// </summary>
public sealed class SimFlash : IFileStore
{
    /// <summary>Bytes programmed per step.</summary>
    public const int PageBytes = 64;

    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly string _backingPath;

    /// <summary>An empty flash, or one loaded from and saved to <paramref name="backingPath"/>.</summary>
    public SimFlash(string backingPath = null)
    {
        _backingPath = backingPath;
        if (backingPath != null && File.Exists(backingPath)) Load(File.ReadAllBytes(backingPath));
    }

    /// <summary>Steps (erase or page program) performed so far.</summary>
    public int Steps { get; private set; }

    /// <summary>When ≥ 0, power is cut in the step after this many more steps (0: the next step); -1 never.</summary>
    public int CutPowerAfterSteps { get; set; } = -1;

    /// <summary>True once the power was cut: every later operation throws until <see cref="Restore"/>.</summary>
    public bool PowerCut { get; private set; }

    /// <summary>Powers the flash up again after a cut (its contents stay as the cut left them).</summary>
    public void Restore()
    {
        PowerCut = false;
        CutPowerAfterSteps = -1;
    }

    /// <summary>Names of the files present.</summary>
    public IReadOnlyCollection<string> Names => _files.Keys;

    /// <inheritdoc />
    public bool Exists(string name) { Alive(); return _files.ContainsKey(name); }

    /// <inheritdoc />
    public byte[] ReadAll(string name)
    {
        Alive();
        return _files.TryGetValue(name, out var data) ? (byte[])data.Clone() : null;
    }

    /// <summary>Writes that will fail before touching the flash (a worn or full part): each throws and leaves the file as it was.</summary>
    public int FailNextWrites { get; set; }

    /// <inheritdoc />
    public void WriteAll(string name, byte[] data, int count)
    {
        Alive();
        if (FailNextWrites > 0)
        {
            FailNextWrites--;
            throw new IOException("flash write failed (the part did not program)");
        }
        var file = new byte[count];
        Array.Fill(file, (byte)0xFF);
        _files[name] = file;
        Step();
        for (int at = 0; at < count; at += PageBytes)
        {
            int page = Math.Min(PageBytes, count - at);
            // Power that goes during a page program leaves it half programmed: the first bytes new, the rest erased.
            Array.Copy(data, at, file, at, CutPowerAfterSteps == 0 ? page / 2 : page);
            Step();
        }
        Save();
    }

    /// <inheritdoc />
    public void Delete(string name)
    {
        Alive();
        if (_files.Remove(name)) Step();
        Save();
    }

    /// <summary>Overwrites a byte of a stored file (bit rot / tampering, for fault tests).</summary>
    public void Corrupt(string name, int index)
    {
        _files[name][index] ^= 0x5A;
        Save();
    }

    private void Alive()
    {
        if (PowerCut) throw new PowerCutException(Steps);
    }

    private void Step()
    {
        Steps++;
        if (CutPowerAfterSteps < 0) return;
        if (CutPowerAfterSteps-- == 0)
        {
            PowerCut = true;
            Save();
            throw new PowerCutException(Steps);
        }
    }

    private void Save()
    {
        if (_backingPath == null) return;
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(0x48534C46); // "FLSH"
            w.Write(_files.Count);
            foreach (var kv in _files)
            {
                w.Write(kv.Key);
                w.Write(kv.Value.Length);
                w.Write(kv.Value);
            }
        }
        string tmp = _backingPath + ".tmp";
        File.WriteAllBytes(tmp, ms.ToArray());
        File.Move(tmp, _backingPath, overwrite: true);
    }

    private void Load(byte[] image)
    {
        if (image.Length == 0) return;   // a new, empty file: a blank flash
        using var r = new BinaryReader(new MemoryStream(image));
        if (image.Length < 8 || r.ReadInt32() != 0x48534C46)
            throw new InvalidDataException("flash image is not a simulator flash file");
        try
        {
            int n = r.ReadInt32();
            for (int i = 0; i < n; i++)
            {
                string name = r.ReadString();
                int len = r.ReadInt32();
                if (len < 0 || len > image.Length) throw new InvalidDataException("flash image is damaged (file " + name + ")");
                var data = r.ReadBytes(len);
                if (data.Length != len) throw new EndOfStreamException();
                _files[name] = data;
            }
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("flash image is truncated");
        }
    }
}
