// Writes a bring-up report: bringup.md for a person, bringup.json for tools, and a spectrum PNG of each input.
using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PreampFirmware.Client;

/// <summary>Report files of a bring-up run.</summary>
public static class BringupReportWriter
{
    /// <summary>Size of each spectrum picture, pixels.</summary>
    public const int Width = 1000, Height = 560;

    /// <summary>The spectrum picture of input <paramref name="channel"/>, relative to the report directory.</summary>
    public static string SpectrumFile(int channel) => "noise-input" + channel + ".png";

    private static string F(double v, string format = "0.0") => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>
    /// The spectrum of one input from 10 Hz to the band's edge (log frequency axis), the floor a terminated input should
    /// show drawn across it, and the mains lines that stand out marked and named.
    /// </summary>
    public static ScottPlot.Plot Plot(NoiseSpectrum spectrum, int channel, double expectedRmsDbfs)
    {
        var plot = new ScottPlot.Plot();
        int first = Math.Max(1, (int)Math.Ceiling(10 / (spectrum.FrequencyHz[1])));
        double[] xs = spectrum.FrequencyHz.Skip(first).Select(Math.Log10).ToArray();
        double[] ys = spectrum.LevelDbfs.Skip(first).ToArray();
        var line = plot.Add.ScatterLine(xs, ys);
        line.LegendText = "input " + channel + ", 0 dB gain (" + F(spectrum.RmsDbfs, "0.0") + " dBFS RMS)";
        var floor = plot.Add.HorizontalLine(NoiseSpectrum.WhiteNoiseBinDbfs(expectedRmsDbfs));
        floor.LegendText = "expected floor (" + F(expectedRmsDbfs, "0.0") + " dBFS RMS, white)";
        floor.LinePattern = ScottPlot.LinePattern.Dashed;
        floor.Color = ScottPlot.Colors.Green;
        foreach (var hum in spectrum.Hum)
        {
            var mark = plot.Add.VerticalLine(Math.Log10(hum.FrequencyHz));
            mark.Color = ScottPlot.Colors.Red.WithAlpha(0.5);
            mark.LinePattern = ScottPlot.LinePattern.Dotted;
            if (hum.Harmonic == spectrum.Hum[0].Harmonic) mark.LegendText = spectrum.MainsHz + " Hz mains and its harmonics (stand out " + NoiseSpectrum.StandsOutDb.ToString("0", CultureInfo.InvariantCulture) + " dB or more)";
            var text = plot.Add.Text(F(hum.FrequencyHz, "0") + " Hz", Math.Log10(hum.FrequencyHz), hum.LevelDbfs + 3);
            text.LabelFontColor = ScottPlot.Colors.Red;
            text.LabelFontSize = 11;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => Math.Pow(10, x).ToString("0", CultureInfo.InvariantCulture),
        };
        plot.Axes.SetLimitsX(1, Math.Log10(spectrum.Rate / 2.0));
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        plot.Title("Input " + channel + ": noise floor at 0 dB gain, terminated" + (spectrum.MainsHz != 0 ? ", " + spectrum.MainsHz + " Hz mains hum" : ""));
        plot.XLabel("frequency (Hz)");
        plot.YLabel("dBFS RMS per " + F(spectrum.Rate / (double)NoiseSpectrum.SegmentLength, "0.0") + " Hz bin");
        return plot;
    }

    /// <summary>Writes bringup.md, bringup.json and the spectra into <paramref name="directory"/>.</summary>
    public static void Write(BringupReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (channel, spectrum) in report.Spectra)
        {
            Plot(spectrum, channel, report.ExpectedNoiseDbfs).SavePng(Path.Combine(directory, SpectrumFile(channel)), Width, Height);
        }
        var json = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        File.WriteAllText(Path.Combine(directory, "bringup.json"), JsonSerializer.Serialize(report, json));
        File.WriteAllText(Path.Combine(directory, "bringup.md"), Markdown(report));
    }

    /// <summary>The report for a person.</summary>
    public static string Markdown(BringupReport report)
    {
        var md = new StringBuilder();
        md.AppendLine("# Bring-up report");
        md.AppendLine();
        md.AppendLine("- board: " + (report.Device.Length > 0 ? report.Device : "(no answer)") + (report.Simulator ? " — the simulator: steps that need a person were driven through SIMulation commands" : ""));
        md.AppendLine("- link: " + report.Link);
        md.AppendLine("- date: " + report.Date);
        md.AppendLine("- result: **" + report.Result + "** (exit status " + report.ExitCode + ")");
        if (report.Skipped.Count > 0) md.AppendLine("- skipped (nobody to answer, `--yes`): " + string.Join(", ", report.Skipped));
        md.AppendLine();
        md.AppendLine("| step | result | what it found |");
        md.AppendLine("|---|---|---|");
        foreach (var s in report.Steps)
        {
            md.AppendLine("| " + s.Title + " | " + s.Outcome.ToString().ToUpperInvariant() + " | " + s.Message.Replace("|", "/", StringComparison.Ordinal) + " |");
        }
        foreach (var s in report.Steps.Where(s => s.Details.Count > 0 || s.Files.Count > 0))
        {
            md.AppendLine();
            md.AppendLine("## " + s.Title);
            md.AppendLine();
            foreach (var d in s.Details) md.AppendLine("- " + d);
            foreach (var f in s.Files)
            {
                md.AppendLine();
                md.AppendLine("![" + f + "](" + f + ")");
            }
        }
        md.AppendLine();
        md.AppendLine("Phantom is off at the end of every run: the tool switches it off, and the board switches off phantom it lent for the test " +
                      "(INPut<n>:PHANtom:TEST) within " + Bringup.PhantomLeaseSeconds + " s when the tool stops renewing it.");
        return md.ToString();
    }
}
