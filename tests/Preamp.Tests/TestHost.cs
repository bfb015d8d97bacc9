// A host on one paced port of a simulated board, in virtual time: send lines, run the board, read answers and stream.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using PreampFirmware.Client;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;

namespace PreampFirmware.DesktopTests;

/// <summary>A host on one paced port of a simulated board, in virtual time.</summary>
public sealed class Host
{
    public readonly SimRunner Runner;
    public readonly SimSerialPort Port;
    public readonly StreamDecoder Decoder = new();
    public readonly SampleTimeline Timeline = new();
    public readonly List<string> Lines = new();
    public readonly List<int> Ch1 = new();
    public readonly List<int> Ch2 = new();
    public readonly List<SampleBlock> Blocks = new();

    public Host(SimBoardOptions options = null, int? baud = null, SimRunner runner = null)
    {
        Runner = runner ?? new SimRunner(options);
        Port = Runner.OpenPort(out _, baud);
        Decoder.Line += Lines.Add;
        Decoder.Block += b => { Blocks.Add(b); Timeline.Accept(b); };
        Timeline.Samples += (a, b, n) => { Ch1.AddRange(a.Take(n)); Ch2.AddRange(b.Take(n)); };
    }

    public void Run(double seconds)
    {
        var buffer = new byte[65536];
        long end = Runner.Board.NowMicroseconds + (long)(seconds * 1e6);
        while (Runner.Board.NowMicroseconds < end)
        {
            Runner.RunUntil(Math.Min(end, Runner.Board.NowMicroseconds + 10_000));
            int n;
            while ((n = Port.HostRead(buffer, 0, buffer.Length)) > 0) Decoder.Feed(buffer, 0, n);
        }
    }

    public string Ask(string line, double seconds = 0.05)
    {
        Lines.Clear();
        var bytes = Encoding.ASCII.GetBytes(line + "\n");
        Port.HostWrite(bytes, 0, bytes.Length);
        Run(seconds);
        return string.Join("\n", Lines);
    }

    /// <summary>Sends <paramref name="line"/>, then returns the oldest error in this session's queue (SYSTem:ERRor?).</summary>
    public string ErrorAfter(string line)
    {
        Ask(line);
        return Ask("SYST:ERR?");
    }

    /// <summary>Flash steps (writes, renames, deletes) that sending <paramref name="line"/> and running <paramref name="seconds"/> takes.</summary>
    public int FlashStepsOf(string line, double seconds)
    {
        int before = Runner.Board.Flash.Steps;
        Ask(line, seconds);
        return Runner.Board.Flash.Steps - before;
    }
}

/// <summary>What the board keeps, as bytes: the firmware's state encoded, and the payload a record holds on the flash.</summary>
public static class Persist
{
    /// <summary>The settings the firmware holds now, in the saved layout.</summary>
    public static byte[] State(SimRunner runner)
    {
        var p = new byte[PreampFirmware.Control.ChannelSettings.PayloadBytes];
        runner.Firmware.Channels.Encode(runner.Firmware.Settings.CalibrationLocked, p);
        return p;
    }

    /// <summary>The calibration the firmware holds now, in its record layout.</summary>
    public static byte[] Calibration(SimRunner runner)
    {
        var p = new byte[PreampFirmware.Control.Calibration.PayloadBytes];
        runner.Firmware.Settings.Calibration.Encode(p);
        return p;
    }

    /// <summary>A calibration as the wizard measures it: valid, with its reference (-40 dBu at 1 kHz), corrections zero.</summary>
    public static PreampFirmware.Control.Calibration MeasuredCalibration()
    {
        return new PreampFirmware.Control.Calibration { IsValid = true, ReferenceDbu = -40, ReferenceHz = 1000 };
    }

    /// <summary>The quoted Base64 record CALibration:DATA imports, of <paramref name="cal"/>.</summary>
    public static string CalibrationRecord(PreampFirmware.Control.Calibration cal)
    {
        var p = new byte[PreampFirmware.Control.Calibration.PayloadBytes];
        cal.Encode(p);
        var image = PreampFirmware.Storage.RecordStore.Encode(PreampFirmware.Control.Calibration.Tag, PreampFirmware.Control.Calibration.Version, 0, p, p.Length);
        return "\"" + System.Convert.ToBase64String(image) + "\"";
    }

    /// <summary>The payload of the newest valid record of <paramref name="file"/> (what a boot would load), or null.</summary>
    public static byte[] Stored(SimFlash flash, string file, string tag, int version)
    {
        var result = new PreampFirmware.Storage.RecordStore(flash).Load(file, tag, version, out byte[] payload);
        return result == PreampFirmware.Storage.RecordStore.Loaded ? payload : null;
    }
}
