// Faults of the simulated board that any client can switch on and off: SIMulation:FAULt <part>,<how>.
using System;
using System.Collections.Generic;
using System.Linq;
using PreampFirmware.Sim;

namespace PreampFirmware.SimHost;

/// <summary>
/// The faults the fault suite knows, as switches on the simulated board. Each acts on the part a real fault would hit,
/// and the firmware finds and reports it as it would on a board: a stuck MISO line (gain chain or converter bus), a
/// converter that stops, samples framed wrongly by the I2S receiver (byte-swapped, bit-reversed, a bit clock late), a sample loop too slow for the rate, damaged bytes to the host, a flash write that fails, a
/// power cut in the next flash write. The one-shot flash faults leave the list when they have happened.
/// ADCBUS,MODE1 (the PCM1863 samples as SPI mode 1) and ADCBUS,RWMSB (it takes R/W in the address byte's MSB) are
/// properties of the part, not of the line: each stays until ended, both can be on at once (listed as ADCBUS:MODE1 and
/// ADCBUS:RWMSB) next to a stuck MISO, and ADCBUS,OFF ends all of them. AUDIO,NOCLOCK: BCK does not reach the converter.
/// </summary>
public sealed class SimFaults
{
    /// <summary>The parts and what can go wrong with each.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Known = new Dictionary<string, string[]>
    {
        ["GAINBUS"] = new[] { "STUCK0", "STUCK1" },
        ["ADCBUS"] = new[] { "STUCK0", "STUCK1", "MODE1", "RWMSB" },
        ["AUDIO"] = new[] { "STOP", "NOCLOCK", "BYTESWAP", "BITREV", "SHIFT" },
        ["LOOP"] = new[] { "SLOW" },
        ["LINK"] = new[] { "DAMAGE" },
        ["FLASH"] = new[] { "FAIL", "CUT" },
    };

    /// <summary>Processor time per block that LOOP,SLOW gives, as a share of the block period.</summary>
    public const double SlowLoopShare = 1.5;
    /// <summary>Bit error rate LINK,DAMAGE puts on every device-to-host link.</summary>
    public const double LinkBitErrorRate = 1e-5;

    private readonly SimRunner _runner;
    private readonly SortedDictionary<string, string> _active = new(StringComparer.Ordinal);
    private long _blockCostBefore;
    private readonly Dictionary<SimSerialPort, double> _berBefore = new();

    internal SimFaults(SimRunner runner) => _runner = runner;

    /// <summary>The faults active now as "PART:HOW" joined by commas, or NONE.</summary>
    public string List()
    {
        var flash = _runner.Board.Flash;
        if (_active.TryGetValue("FLASH", out var how) && ((how == "FAIL" && flash.FailNextWrites == 0) || (how == "CUT" && flash.CutPowerAfterSteps < 0)))
            _active.Remove("FLASH");   // a one-shot that has happened
        return _active.Count == 0 ? "NONE" : string.Join(",", _active.Select(kv => PartOf(kv.Key) + ":" + kv.Value));
    }

    /// <summary>Switches a fault on (or, with OFF, off). Returns null, or why it is not a fault this board knows.</summary>
    public string Set(string part, string how)
    {
        part = part.ToUpperInvariant();
        how = how.ToUpperInvariant();
        if (!Known.TryGetValue(part, out var ways))
            return "part is one of " + string.Join(", ", Known.Keys);
        if (how != "OFF" && !ways.Contains(how))
            return part + " faults are " + string.Join(", ", ways) + " (or OFF)";
        if (how == "OFF")
        {
            foreach (var slot in _active.Keys.Where(k => PartOf(k) == part).ToList()) End(slot);
        }
        else Start(part, how);
        return null;
    }

    /// <summary>Where an active fault is kept: its part, or part.how for the converter's framing, which adds to the others.</summary>
    private static string SlotOf(string part, string how) => part == "ADCBUS" && how is "MODE1" or "RWMSB" ? part + "." + how : part;

    private static string PartOf(string slot) => slot.Split('.')[0];

    /// <summary>Ends every fault.</summary>
    public void Clear()
    {
        foreach (var part in _active.Keys.ToList()) End(part);
    }

    private void Start(string part, string how)
    {
        string slot = SlotOf(part, how);
        if (_active.ContainsKey(slot)) End(slot);
        var board = _runner.Board;
        switch (slot)
        {
            case "ADCBUS.MODE1": board.Adc.SpiMode = 1; break;
            case "ADCBUS.RWMSB": board.Adc.WireLayout = Pcm1863WireLayout.ReadWriteInBit15; break;
            case "AUDIO" when how == "NOCLOCK": board.Adc.BitClockLost = true; break;
            case "GAINBUS": board.GainSpi.Miso = how == "STUCK0" ? MisoFault.StuckLow : MisoFault.StuckHigh; break;
            case "ADCBUS": board.AdcSpi.Miso = how == "STUCK0" ? MisoFault.StuckLow : MisoFault.StuckHigh; break;
            case "AUDIO":
                if (how == "STOP") board.Adc.Stopped = true;
                else board.Audio.Framing = how == "BYTESWAP" ? I2sFraming.ByteSwap : how == "BITREV" ? I2sFraming.BitReverse : I2sFraming.ShiftLate;
                break;
            case "LOOP":
                _blockCostBefore = _runner.BlockServiceMicroseconds;
                int rate = _runner.Firmware?.Converter.SampleRate ?? Streaming.Converter.DefaultSampleRate;   // no firmware yet: a fault at boot
                _runner.BlockServiceMicroseconds = (long)(SlowLoopShare * Preamp.FramesPerBlock * 1e6 / rate);
                break;
            case "LINK":
                _berBefore.Clear();
                foreach (var port in board.HostPorts)
                {
                    _berBefore[port] = port.BitErrorRate;
                    port.SetLinkErrors(LinkBitErrorRate, 4242);
                }
                break;
            case "FLASH":
                if (how == "FAIL") board.Flash.FailNextWrites = 1;
                else board.Flash.CutPowerAfterSteps = 0;   // power goes right after the erase: the slot is left blank
                break;
        }
        _active[slot] = how;
    }

    private void End(string slot)
    {
        var board = _runner.Board;
        switch (slot)
        {
            case "ADCBUS.MODE1": board.Adc.SpiMode = 0; break;
            case "ADCBUS.RWMSB": board.Adc.WireLayout = Pcm1863WireLayout.ReadWriteInBit8; break;
            case "GAINBUS": board.GainSpi.Miso = MisoFault.None; break;
            case "ADCBUS": board.AdcSpi.Miso = MisoFault.None; break;
            case "AUDIO":
                board.Adc.Stopped = false;
                board.Adc.BitClockLost = false;
                board.Audio.Framing = I2sFraming.Normal;
                break;
            case "LOOP": _runner.BlockServiceMicroseconds = _blockCostBefore; break;
            case "LINK":
                foreach (var (port, ber) in _berBefore) port.SetLinkErrors(ber, 77);
                break;
            case "FLASH":
                board.Flash.FailNextWrites = 0;
                board.Flash.CutPowerAfterSteps = -1;
                break;
        }
        _active.Remove(slot);
    }
}
