// hardware/pinmap.md and BoardRevB.cs are one truth: every documented constant has the same value in code and back.
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
        var code = typeof(BoardRevB).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => f.GetRawConstantValue()!.ToString());
        Assert.Equal(code.Keys.OrderBy(k => k), rows.Keys.OrderBy(k => k));
        foreach (var (name, value) in code) Assert.True(rows[name] == value, name + ": code " + value + ", pinmap.md " + rows[name]);
    }

    [Fact]
    public void NoGpioIsUsedTwiceNorAnyTheModuleOrTheDebuggerNeeds()
    {
        var pins = typeof(BoardRevB).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int) && !f.Name.StartsWith("SpiBus") && f.Name != "I2sBus" && !f.Name.EndsWith("Hz") && f.Name != "HostBaud")
            .Select(f => (int)f.GetRawConstantValue()!).ToList();
        Assert.Equal(24, pins.Count);
        Assert.Equal(pins.Count, pins.Distinct().Count());
        // Strapping pins, the octal PSRAM, USB (the debugger's first choice), UART0 (its fallback), pins the module lacks.
        Assert.DoesNotContain(pins, p => p is 0 or 3 or 45 or 46 or (>= 35 and <= 37) or 19 or 20 or 43 or 44 or (>= 22 and <= 34) or > 48);
    }

    [Fact]
    public void HardwareFolderHoldsTheDocsTheReadmePromises()
    {
        Assert.Contains("CERN-OHL-S-2.0", File.ReadAllText(RepoPaths.Combine("hardware", "README.md")));
        Assert.StartsWith("CERN Open Hardware Licence Version 2 - Strongly Reciprocal", File.ReadAllText(RepoPaths.Combine("hardware", "LICENSE")));
        foreach (var f in new[] { "pinmap.md", "block-diagram.svg", "bom.md", "bringup.md", "analog-interface.md", "notes/relay-drive.md", "notes/phantom-soft-start.md", "notes/why-rev-b.md",
                     "README.md", "LICENSE", "board/board.circuit.tsx", "board/schematic.svg", "board/build.sh", "board/package-lock.json" })
            Assert.True(File.Exists(RepoPaths.Combine("hardware", f)), "hardware/" + f);
    }
}
