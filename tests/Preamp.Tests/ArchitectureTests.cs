// docs/ARCHITECTURE.md stays true: it names every folder and file of the firmware, the layers point one way, files stay small.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ArchitectureTests
{
    private static readonly string Firmware = RepoPaths.Combine("firmware", "Preamp.Firmware");

    private static IEnumerable<string> Sources(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(p => !p.Contains("/obj/") && !p.Contains("/bin/"));

    /// <summary>What each folder may use besides itself, Hal and the root namespace (DeviceErrors).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Drivers"] = new string[0],
        ["Scpi"] = new string[0],
        ["Streaming"] = new[] { "Drivers" },
        ["Control"] = new[] { "Drivers", "Streaming" },
        ["Storage"] = new[] { "Control" },
        ["Health"] = new[] { "Drivers", "Control", "Streaming" },
        ["Host"] = new[] { "Drivers", "Control", "Streaming", "Storage", "Health", "Scpi" },
        ["Properties"] = new string[0],
    };

    [Fact]
    public void TheArchitecturePageNamesEveryFolderAndFile()
    {
        string doc = File.ReadAllText(RepoPaths.Combine("docs", "ARCHITECTURE.md"));
        foreach (var dir in Directory.GetDirectories(Firmware).Select(Path.GetFileName).Where(d => d is not "bin" and not "obj"))
            Assert.True(doc.Contains("`" + dir + "/`"), "docs/ARCHITECTURE.md does not name the folder " + dir + "/");
        foreach (var file in Sources(Firmware).Concat(Sources(RepoPaths.Combine("firmware", "PreampApp"))).Where(f => !f.Contains("/Properties/")))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            Assert.True(Regex.IsMatch(doc, @"\b" + name + @"\b"), "docs/ARCHITECTURE.md does not name " + Path.GetRelativePath(RepoPaths.Root, file));
        }
        Assert.Contains("docs/ARCHITECTURE.md", File.ReadAllText(RepoPaths.Combine("README.md")));
    }

    [Fact]
    public void EachFolderUsesOnlyTheLayersBelowIt()
    {
        var wrong = new List<string>();
        foreach (var file in Sources(Firmware))
        {
            string rel = Path.GetRelativePath(Firmware, file).Replace('\\', '/');
            if (!rel.Contains('/')) continue;   // the root's files
            string folder = rel.Split('/')[0];
            Assert.True(Allowed.ContainsKey(folder), "a new folder needs its layer in ArchitectureTests and docs/ARCHITECTURE.md: " + folder);
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"PreampFirmware\.(\w+)"))
            {
                string used = m.Groups[1].Value;
                if (used == folder || used == "Hal" || !Allowed.ContainsKey(used) && used != "Preamp") continue;
                if (used == "Preamp" || !Allowed[folder].Contains(used)) wrong.Add(rel + " uses " + used);
            }
            if (Regex.IsMatch(File.ReadAllText(file), @"\bPreamp\s+\w+\s*[;,)=]")) wrong.Add(rel + " holds the root");
        }
        Assert.True(wrong.Count == 0, "dependencies pointing up:\n" + string.Join("\n", wrong.Distinct()));
    }

    [Fact]
    public void TheRootIsShortAndNoFirmwareFileIsLong()
    {
        Assert.True(File.ReadAllLines(Path.Combine(Firmware, "Preamp.cs")).Length < 250, "Preamp.cs must stay under 250 lines");
        foreach (var file in Sources(RepoPaths.Combine("firmware")))
        {
            int lines = File.ReadAllLines(file).Length;
            Assert.True(lines <= 400, Path.GetRelativePath(RepoPaths.Root, file) + " has " + lines + " lines (at most 400)");
        }
    }
}
