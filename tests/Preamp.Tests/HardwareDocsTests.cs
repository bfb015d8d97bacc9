// hardware/pinmap.md and BoardRevA.cs are one truth: every documented constant has the same value in code and back.
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using PreampFirmware.Hal;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class HardwareDocsTests
{
    [Fact]
    public void PinMapDocumentAndCodeAgree()
    {
        var rows = File.ReadAllLines(RepoPaths.Combine("hardware", "pinmap.md"))
            .Select(l => Regex.Match(l, @"^\|\s*`(?<name>\w+)`\s*\|\s*(?<value>[^|]+?)\s*\|"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
        var code = typeof(BoardRevA).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => f.GetRawConstantValue()!.ToString());
        Assert.Equal(code.Keys.OrderBy(k => k), rows.Keys.OrderBy(k => k));
        foreach (var (name, value) in code) Assert.True(rows[name] == value, name + ": code " + value + ", pinmap.md " + rows[name]);
    }

    [Fact]
    public void NoGpioIsUsedTwiceExceptTheSharedMiso()
    {
        var pins = typeof(BoardRevA).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int) && !f.Name.StartsWith("SpiBus") && !f.Name.EndsWith("Hz") && f.Name != "HostBaud")
            .Select(f => (int)f.GetRawConstantValue()!).ToList();
        Assert.Equal(22, pins.Count);
        Assert.Equal(pins.Count, pins.Distinct().Count());
        Assert.DoesNotContain(pins, p => p is >= 6 and <= 11 or 16 or 17 or 1 or 3);   // flash, PSRAM, debugger UART
        Assert.All(new[] { BoardRevA.AdcDataReady, BoardRevA.PgaOverload1, BoardRevA.PgaOverload2, BoardRevA.EncoderSwitch },
            p => Assert.InRange(p, 34, 39));                                               // inputs on input-only pins
    }

    [Fact]
    public void HardwareFolderHoldsTheDocsTheReadmePromises()
    {
        foreach (var f in new[] { "pinmap.md", "block-diagram.svg", "bom.md", "bringup.md", "notes/relay-drive.md", "notes/phantom-soft-start.md" })
            Assert.True(File.Exists(RepoPaths.Combine("hardware", f)), "hardware/" + f);
    }
}
