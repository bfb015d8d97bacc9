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
        Assert.Equal(new[] { "link.max_rate_4mbaud", "link.payload_share", "link.utilisation_48k" }, f.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(6144.0 / 6194, f["link.payload_share"], 4);              // 1024 frames of 6 bytes, 46-byte header, 4-byte CRC
        Assert.Equal(48000 / 1024.0 * 6194 / 400000, f["link.utilisation_48k"], 4);
        Assert.True(f["link.utilisation_48k"] <= 0.75);
        Assert.Equal(48000, f["link.max_rate_4mbaud"]);
    }

    [Fact]
    public void TheDeviceStreamingPathAllocatesNothingAndItsWorkIsCounted()
    {
        var f = Figures("stream.");
        Assert.Equal(0, f["stream.device_alloc_bytes_per_block"]);
        Assert.InRange(f["stream.device_us_per_block"], 0.01, 1000);
        Assert.Equal(f["stream.device_us_per_block"] * 48000 / 1024, f["stream.device_us_per_audio_second"], 1);
        Assert.InRange(f["stream.device_il_per_block"], 500, 5000);             // per block, not per sample: 1024 samples × 2 would be far more
        Assert.InRange(f["stream.device_managed_calls_per_block"], 10, 100);
        Assert.InRange(f["stream.device_native_calls_per_block"], 4, 20);
    }
}
