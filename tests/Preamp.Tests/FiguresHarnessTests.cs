// The figures harness runs and prints what it promises: one `name value unit` line per figure (comments start with #),
// with the figures that do not depend on the machine at their measured values.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class FiguresHarnessTests
{
    private static readonly Regex s_figureLine = new(@"^([a-z0-9_]+\.[a-z0-9_.]+) (-?[0-9]+(?:\.[0-9]+)?) (\S+)$");

    /// <summary>Runs `Preamp.Benchmarks figures <paramref name="prefix"/>` (the build that came with the tests) and parses its figures.</summary>
    private static Dictionary<string, double> Figures(string prefix)
    {
        string dll = Tools.BuiltDll(Path.Combine("tests", "Preamp.Benchmarks"), "Preamp.Benchmarks.dll");
        string output = Tools.Run("dotnet", null, 120_000, dll, "figures", prefix);
        var figures = new Dictionary<string, double>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#')) continue;
            var m = s_figureLine.Match(line.TrimEnd('\r'));
            Assert.True(m.Success, "not a `name value unit` line: '" + line + "'");
            Assert.StartsWith(prefix, m.Groups[1].Value);
            figures.Add(m.Groups[1].Value, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        return figures;
    }

    [Fact]
    public void LinkFiguresAreThoseOfTheWireFormatAndTheConverterRates()
    {
        var f = Figures("link.");
        Assert.Equal(new[] { "link.efficiency", "link.efficiency_checked", "link.max_rate_ratio_921600" }, f.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(384.0 / 419, f["link.efficiency"], 4);
        Assert.True(f["link.efficiency"] >= 0.90);
        Assert.Equal(384.0 / 607, f["link.efficiency_checked"], 4);
        Assert.Equal(8000 / 15360.0, f["link.max_rate_ratio_921600"], 4);   // 16 kS/s needs 104 750 B/s
    }

    [Fact]
    public void TheDeviceStreamingPathAllocatesNothingAndTheRatioIsMeasured()
    {
        var f = Figures("stream.");
        Assert.Equal(0, f["stream.device_alloc_bytes_per_block"]);
        Assert.InRange(f["stream.device_to_host_cost_ratio"], 0.01, 100);
    }
}
