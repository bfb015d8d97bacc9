// A wire between the ESP32 and a part on the simulated board.
using System;
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>A GPIO line. The firmware writes or reads it; a simulated part drives or watches it.</summary>
public sealed class SimPin : IDigitalOutput, IDigitalInput
{
    private bool _level;

    /// <summary>A line with its idle level (pulled up or down on the board).</summary>
    public SimPin(string name, bool idleLevel)
    {
        Name = name;
        _level = idleLevel;
    }

    /// <summary>Net name, as in hardware/pinmap.md.</summary>
    public string Name { get; }

    /// <summary>Called with the new level whenever the level changes.</summary>
    public event Action<bool> Changed;

    /// <summary>The line's level.</summary>
    public bool Level => _level;

    /// <summary>Drives the line (from the firmware or from a part).</summary>
    public void Write(bool high)
    {
        if (_level == high) return;
        _level = high;
        Changed?.Invoke(high);
    }

    /// <inheritdoc />
    public bool IsHigh => _level;

    /// <inheritdoc />
    public bool Read() => _level;
}
