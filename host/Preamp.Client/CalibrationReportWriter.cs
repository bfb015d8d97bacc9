// Writes a calibration report: the data as JSON, and a picture per input of every step's error before and after.
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace PreampFirmware.Client;

/// <summary>Report files of a calibration run.</summary>
public static class CalibrationReportWriter
{
    /// <summary>Size of each picture, pixels.</summary>
    public const int Width = 1000, Height = 560;

    /// <summary>The picture of one input: every step's error before and after, the ±0.05 dB band, the legend below the axes.</summary>
    public static ScottPlot.Plot Plot(CalibrationReport report, string name, InputReport input)
    {
        var plot = new ScottPlot.Plot();
        double[] gains = input.Steps.Select(s => (double)s.GainDb).ToArray();
        var before = plot.Add.Scatter(gains, input.Steps.Select(s => s.ErrorBeforeDb).ToArray());
        before.LegendText = "before calibration";
        var after = plot.Add.Scatter(gains, input.Steps.Select(s => s.ErrorAfterDb).ToArray());
        after.LegendText = "after calibration (MEASure:LEVel?)";
        var limit = plot.Add.VerticalSpan(-0.05, 0.05);   // a band of the error axis
        limit.LegendText = "±0.05 dB";
        limit.FillStyle.Color = ScottPlot.Colors.Green.WithAlpha(0.15);
        plot.ShowLegend(ScottPlot.Edge.Bottom);   // below the axes, never over the points (the top steps sit in a corner)
        plot.Title(name + ": reading error at each gain step, " + report.ReferenceDbu.ToString("0.##", CultureInfo.InvariantCulture) + " dBu " +
                   report.FrequencyHz.ToString("0", CultureInfo.InvariantCulture) + " Hz reference (pad " + input.PadDb.ToString("0.00", CultureInfo.InvariantCulture) + " dB)");
        plot.XLabel("gain (dB)");
        plot.YLabel("dBu reading − reference (dB)");
        return plot;
    }

    /// <summary>Writes calibration.json and input&lt;n&gt;.png into <paramref name="directory"/>.</summary>
    public static void Write(CalibrationReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "calibration.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        foreach (var (name, input) in report.Inputs)
        {
            Plot(report, name, input).SavePng(Path.Combine(directory, name + ".png"), Width, Height);
        }
    }
}
