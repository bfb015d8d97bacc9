// The tool's edges as a user meets them: one-line errors that name what is wrong, readable status, a legible report.
using System;
using System.IO;
using System.Linq;
using System.Threading;
using PreampFirmware.Client;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ToolEdgeTests
{
    private static string Preamp => Tools.BuiltDll(Path.Combine("host", "Preamp.Cli"), "preamp.dll");

    private static string OneLineError(params string[] args)
    {
        var (code, output) = Tools.RunWithoutTerminal("dotnet", 60_000, new[] { Preamp }.Concat(args).ToArray());
        Assert.Equal(1, code);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception", output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("preamp: ", lines[0]);
        return lines[0];
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:99999")]
    [InlineData("tcp://127.0.0.1:-1")]
    [InlineData("tcp://127.0.0.1:0")]
    public void ATcpPortOutOfRangeIsOneLine(string port) =>
        Assert.Contains("a port from 1 to 65535, got " + port, OneLineError("--port", port, "scpi", "*IDN?"));

    [Fact]
    public void ANegativeBaudRateIsOneLine() =>
        Assert.Contains("--baud must be a positive number", OneLineError("--port", "/dev/ttyS0", "--baud", "-5", "scpi", "*IDN?"));

    [Fact]
    public void DevNullIsNotASerialPortRatherThanAPermissionProblem()
    {
        string line = OneLineError("--port", "/dev/null", "scpi", "*IDN?");
        Assert.Contains("/dev/null: not a serial port", line);
        Assert.DoesNotContain("dialout", line);
        Assert.DoesNotContain("denied", line);
    }

    [Fact]
    public void AnUnknownHostIsNamed() =>
        Assert.Contains("cannot reach tcp://nohost.invalid:5025:", OneLineError("--port", "tcp://nohost.invalid:5025", "scpi", "*IDN?"));

    /// <summary>`status` against a board with a calibration loaded and input 2 muted, through the SCPI socket.</summary>
    [Theory]
    [InlineData("NONE", "no faults")]
    [InlineData("ADCMODE1", "no faults; the PCM1863 answers in SPI mode 1, R/W in the address byte's LSB, not the framing the driver documents")]
    [InlineData("ADCMODE1,ADCRWMSB", "no faults; the PCM1863 answers in SPI mode 1, R/W in the address byte's MSB")]
    [InlineData("CONVERTER,ADCRWMSB", "converter (see `preamp scpi \"*TST?\"`); the PCM1863 answers in SPI mode 0, R/W in the address byte's MSB")]
    [InlineData("GAINCHAIN,FLASH", "gainchain, flash (see")]
    public void StatusTellsAFramingFoundAtStartUpApartFromFaults(string condition, string says) =>
        Assert.StartsWith(says, BoardConditionText.Describe(condition));

    [Fact]
    public void StatusSaysTheCalibrationReferenceInWordsAndAMutedInputIsMuted()
    {
        var runner = new SimRunner();
        lock (runner.Gate)
        {
            var cal = runner.Firmware.Settings.Calibration;
            cal.ReferenceDbu = -40;
            cal.ReferenceHz = 1000;
            cal.IsValid = true;
        }
        using var stop = new CancellationTokenSource();
        var thread = new Thread(() => runner.RunRealTime(stop.Token)) { IsBackground = true };
        thread.Start();
        try
        {
            using var server = new SimTcpServer(runner, 0);
            using (var link = new PreampLink(new TcpTransport("127.0.0.1", server.Port))) link.Command("INPut2:MUTE ON");
            var (code, output) = Tools.RunWithoutTerminal("dotnet", 60_000, Preamp, "--port", "tcp://127.0.0.1:" + server.Port, "status");
            Assert.Equal(0, code);
            Assert.Contains("calibration: loaded (-40.00 dBu at 1000 Hz reference)", output);
            var row2 = output.Split('\n').Single(l => l.Contains("│ 2 "));
            Assert.Contains("muted", row2);
            Assert.DoesNotContain("-200", row2);
            var row1 = output.Split('\n').Single(l => l.Contains("│ 1 "));
            Assert.DoesNotContain("muted", row1);
        }
        finally
        {
            stop.Cancel();
            thread.Join();
        }
    }

    /// <summary>The report's picture: the legend sits outside the axes, so the top gain steps' points (61-64 dB), in its old corner, show.</summary>
    [Fact]
    public void TheCalibrationPicturesLegendCoversNoPoint()
    {
        var input = new InputReport { PadDb = 20.1 };
        foreach (int g in new[] { 0 }.Concat(Enumerable.Range(10, 56)))
        {
            double before = g >= 61 ? -0.45 : 0.05 * Math.Sin(g);
            input.Steps.Add(new StepResult { GainDb = g, ErrorBeforeDb = before, ErrorAfterDb = 0.01 * Math.Cos(g) });
        }
        var report = new CalibrationReport { ReferenceDbu = -40, FrequencyHz = 1000, Inputs = { ["input1"] = input } };
        var plot = CalibrationReportWriter.Plot(report, "input1", input);
        string png = Path.Combine(Directory.CreateTempSubdirectory("preamp-png").FullName, "input1.png");
        plot.SavePng(png, CalibrationReportWriter.Width, CalibrationReportWriter.Height);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        var color = ((ScottPlot.Plottables.Scatter)plot.GetPlottables().First()).Color;
        foreach (int g in new[] { 61, 62, 63, 64 })
        {
            var at = plot.GetPixel(new ScottPlot.Coordinates(g, -0.45));
            var seen = bitmap.GetPixel((int)Math.Round(at.X), (int)Math.Round(at.Y));
            Assert.True(Math.Abs(seen.Red - color.R) + Math.Abs(seen.Green - color.G) + Math.Abs(seen.Blue - color.B) < 60,
                "the 'before' point at " + g + " dB shows its colour, not the legend's: " + seen);
        }
    }
}
