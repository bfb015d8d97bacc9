// Calibration: a board with manufacturing errors reads wrong before and right after the wizard; the result survives
// restarts and power cuts at any write step, is guarded by its lock, and moves between boards.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PreampFirmware.Client;
using PreampFirmware.Control;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class CalibrationTests
{
    private static readonly int[] s_checkedGains = { 0, 10, 20, 30, 40, 50, 60, 65 };

    private sealed class SilentUi : ICalibrationUi
    {
        public readonly List<string> Said = new();
        public bool Confirm(string instruction) { Said.Add(instruction); return true; }
        public void Progress(string phase, double fraction) { }
        public void Info(string message) => Said.Add(message);
    }

    /// <summary>dBu readings of input <paramref name="ch"/> at the checked gains, the pad in where −40 dBu would overload.</summary>
    private static Dictionary<int, double> Readings(Host h, int ch)
    {
        var r = new Dictionary<int, double>();
        foreach (int g in s_checkedGains)
        {
            string pad = -40 + g > CalibrationWizard.PadAboveDbu ? "ON" : "OFF";
            h.Ask("INP" + ch + ":GAIN " + g + ";PAD " + pad, 0.45);
            // As the wizard checks: readings of the board's meter at several moments, averaged.
            double sum = 0;
            for (int reading = 0; reading < CalibrationWizard.VerifyReadings; reading++)
            {
                var level = h.Ask("MEAS:LEV? " + ch, CalibrationWizard.VerifyWindowMs / 1000.0).Split(',');
                Assert.True(double.Parse(level[0]) < -1, "converter in range at " + g + " dB");
                sum += double.Parse(level[2]);
            }
            r[g] = sum / CalibrationWizard.VerifyReadings;
        }
        return r;
    }

    private static Host ToneHost(SimBoardOptions options)
    {
        var h = new Host(options);
        h.Ask("SIM:SOUR1 SINE,1000,-40;:SIM:SOUR2 SINE,1000,-40");
        return h;
    }

    [Fact]
    public void ABoardWithSeed7ErrorsReadsOffBeforeCalibration()
    {
        var h = ToneHost(new SimBoardOptions { Errors = BoardErrors.FromSeed(7) });
        Assert.Equal("0", h.Ask("CAL:STAT?"));
        double worst = new[] { 1, 2 }.SelectMany(ch => Readings(h, ch).Values).Max(v => Math.Abs(v + 40));
        Assert.True(worst >= 0.2, "worst error " + worst);
    }

    [Fact]
    public void TheWizardBringsEveryStepWithin005DbAndTheResultSurvivesARestart()
    {
        var options = new SimBoardOptions { Errors = BoardErrors.FromSeed(7) };
        var transport = new VirtualTimeSimTransport(options: options);
        var flash = transport.Runner.Board.Flash;
        string report = Directory.CreateTempSubdirectory("preamp-cal").FullName;
        try
        {
            using (var link = new PreampLink(transport))
            {
                link.Command("SIM:SOUR1 SINE,1000,-40;:SIM:SOUR2 SINE,1000,-40;:INP1:GAIN 33");
                var ui = new SilentUi();
                var result = new CalibrationWizard(link, ui, new CalibrationOptions { ReferenceDbu = -40, ReportDirectory = report }).Run();
                foreach (var input in result.Inputs.Values)
                {
                    Assert.Equal(57, input.Steps.Count);
                    Assert.True(input.Steps.Max(s => Math.Abs(s.ErrorBeforeDb)) >= 0.2);
                    Assert.True(input.Steps.Max(s => Math.Abs(s.ErrorAfterDb)) <= 0.05, "after: " + input.Steps.Max(s => Math.Abs(s.ErrorAfterDb)));
                    Assert.InRange(input.PadDb, 19.7, 20.3);
                }
                Assert.Equal("33", link.Query("INP1:GAIN?"));              // the user's settings come back
                Assert.Contains(ui.Said, s => s.Contains("-40 dBu"));
            }
            Assert.True(File.Exists(Path.Combine(report, "calibration.json")));
            foreach (var png in new[] { "input1.png", "input2.png" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(report, png));
                Assert.True(bytes.Length > 10000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
            }
            Assert.Contains("\"Record\"", File.ReadAllText(Path.Combine(report, "calibration.json")));

            // Restart the same board (same flash): the calibration is loaded and the readings hold.
            var h = ToneHost(new SimBoardOptions { Errors = BoardErrors.FromSeed(7), Flash = flash });
            Assert.Equal("1", h.Ask("CAL:STAT?"));
            foreach (int ch in new[] { 1, 2 })
            {
                foreach (var (gain, dbu) in Readings(h, ch)) Assert.True(Math.Abs(dbu + 40) <= 0.05, "input " + ch + " at " + gain + " dB reads " + dbu);
            }
        }
        finally
        {
            Directory.Delete(report, true);
        }
    }

    [Fact]
    public void WithoutAToneTheWizardStopsAndStoresNothing()
    {
        using var link = new PreampLink(new VirtualTimeSimTransport());
        var e = Assert.Throws<CalibrationException>(() => new CalibrationWizard(link, new SilentUi(), new CalibrationOptions { ReferenceDbu = -40 }).Run());
        Assert.Contains("too quiet", e.Message);
        Assert.Equal("0", link.Query("CAL:STAT?"));
    }

    [Fact]
    public void TheConvertersHighPassRemovesOffsetsSoThereAreNoneToCalibrate()
    {
        // Seed 7's converter has millivolts of offset on each input; the PCM1863's DC high-pass takes it out.
        var h = new Host(new SimBoardOptions { Errors = BoardErrors.FromSeed(7) });
        Assert.True(Math.Abs(h.Runner.Board.Errors.AdcOffsetVolts[0]) > 0.0005);
        h.Ask("STR:STAR", 2.0);
        h.Ask("STR:STOP");
        double mean = h.Ch1.Skip(48000).Average(v => (double)v);
        Assert.InRange(mean, -5, 5);                               // codes; 1 mV would be 1412
        h.Ask("CAL:OFFS 1,5");
        Assert.StartsWith("-113,", h.Ask("SYST:ERR?"));           // no such command on rev B
    }

    [Fact]
    public void LockGuardsEveryWriteAndSurvivesARestart()
    {
        var h = new Host();
        string data = h.Ask("CAL:DATA?");
        h.Ask("CAL:LOCK ON", 0.1);
        foreach (var cmd in new[] { "CAL:GAIN 1,30,0.1", "CAL:PAD 1,20.1", "CAL:DATA " + data, "CAL:STOR", "CAL:CLE", "CAL:ALIG SMPTE", "CAL:REF -40,1000" })
        {
            h.Ask(cmd);
            Assert.StartsWith("-221,", h.Ask("SYST:ERR?"));
        }
        var again = new Host(new SimBoardOptions { Flash = h.Runner.Board.Flash });
        Assert.Equal("1", again.Ask("CAL:LOCK?"));
        again.Ask("CAL:LOCK OFF;:CAL:PAD 1,20.1");
        Assert.Equal("0,\"No error\"", again.Ask("SYST:ERR?"));
    }

    [Fact]
    public void ExportImportMovesACalibrationAndDamagedDataIsRefused()
    {
        var a = new Host();
        a.Ask("CAL:DATA " + Persist.CalibrationRecord(Persist.MeasuredCalibration()));
        a.Ask("CAL:GAIN 1,30,0.37;:CAL:GAIN 2,65,-1.1;:CAL:PAD 2,20.4;:CAL:ALIG SMPTE;:CAL:STOR", 0.1);
        string data = a.Ask("CAL:DATA?");
        Assert.StartsWith("\"", data);
        var b = new Host();
        b.Ask("CAL:DATA " + data);
        Assert.Equal("0,\"No error\"", b.Ask("SYST:ERR?"));
        Assert.Equal("1;0.37;-1.10;20.40;SMPTE", b.Ask("CAL:STAT?;GAIN? 1,30;GAIN? 2,65;PAD? 2;ALIG?"));
        string damaged = data.Substring(0, 20) + (data[20] == 'A' ? 'B' : 'A') + data.Substring(21);
        var c = new Host();
        c.Ask("CAL:DATA " + damaged);
        Assert.StartsWith("-224,", c.Ask("SYST:ERR?"));
        c.Ask("CAL:DATA \"not base64!\"");
        Assert.StartsWith("-104,", c.Ask("SYST:ERR?"));
        Assert.Equal("0", c.Ask("CAL:STAT?"));
        c.Ask("CAL:GAIN 1,30,1.5");
        Assert.StartsWith("-222,", c.Ask("SYST:ERR?"));
    }

    [Fact]
    public void APowerCutAtAnyStepOfACalibrationWriteKeepsTheOldOrTheNew()
    {
        string measured = "CAL:DATA " + Persist.CalibrationRecord(Persist.MeasuredCalibration());
        const string oldCal = "CAL:GAIN 1,30,0.25;:CAL:PAD 2,19.6;:CAL:REF -40,1000;:CAL:STOR";
        const string newCal = "CAL:GAIN 1,30,-0.5;:CAL:GAIN 2,65,1.1;:CAL:ALIG SMPTE;:CAL:STOR";
        var probe = new Host();
        probe.Ask(measured);
        probe.Ask(oldCal, 0.05);
        byte[] before = Persist.Calibration(probe.Runner);
        int steps = probe.FlashStepsOf(newCal, 0.05);
        byte[] after = Persist.Calibration(probe.Runner);
        Assert.True(steps >= 3, "a calibration write takes " + steps + " flash steps");
        Assert.NotEqual(before, after);
        for (int cut = 0; cut < steps; cut++)
        {
            var h = new Host();
            h.Ask(measured);
            h.Ask(oldCal, 0.05);
            h.Runner.Board.Flash.CutPowerAfterSteps = cut;
            h.Ask(newCal, 0.05);                                            // cut at step `cut`: the board reboots
            Assert.Equal(1, h.Runner.Board.PowerCycles);
            byte[] restored = Persist.Calibration(h.Runner);
            Assert.True(restored.SequenceEqual(before) || restored.SequenceEqual(after), "cut at step " + cut + ": " + Convert.ToHexString(restored));
            Assert.Equal(restored, Persist.Stored(h.Runner.Board.Flash, Calibration.File, Calibration.Tag, Calibration.Version));
            Assert.Equal("1", h.Ask("CAL:STAT?"));
        }
    }
}
