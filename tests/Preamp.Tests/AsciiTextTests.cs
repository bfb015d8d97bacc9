// Error texts are ASCII by design: every string literal the board or the simulator can send must be, or a client reads '?'.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class AsciiTextTests
{
    /// <summary>
    /// The string and character literals of a C# source (regular, verbatim, interpolated and raw), comments left out,
    /// each with its line number.
    /// </summary>
    public static IEnumerable<(int Line, string Text)> Literals(string source)
    {
        int i = 0, line = 1;
        while (i < source.Length)
        {
            char c = source[i];
            if (c == '\n') { line++; i++; continue; }
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                int end = source.IndexOf("*/", i + 2);
                end = end < 0 ? source.Length : end + 2;
                line += source.Substring(i, end - i).Count(ch => ch == '\n');
                i = end;
                continue;
            }
            if (c == '"' || c == '\'')
            {
                int start = i, startLine = line;
                bool verbatim = i > 0 && (source[i - 1] == '@' || (source[i - 1] == '$' && i > 1 && source[i - 2] == '@'));
                if (c == '"' && source.Substring(i).StartsWith("\"\"\""))
                {
                    int close = source.IndexOf("\"\"\"", i + 3);
                    close = close < 0 ? source.Length : close + 3;
                    string raw = source.Substring(i, close - i);
                    line += raw.Count(ch => ch == '\n');
                    yield return (startLine, raw);
                    i = close;
                    continue;
                }
                i++;
                while (i < source.Length)
                {
                    char d = source[i];
                    if (d == '\n') line++;
                    if (!verbatim && d == '\\') { i += 2; continue; }
                    if (d == c)
                    {
                        if (verbatim && i + 1 < source.Length && source[i + 1] == '"') { i += 2; continue; }
                        break;
                    }
                    i++;
                }
                i++;
                yield return (startLine, source.Substring(start, System.Math.Min(i, source.Length) - start));
                continue;
            }
            i++;
        }
    }

    [Fact]
    public void TheScannerFindsLiteralsAndSkipsComments()
    {
        var found = Literals("// a ≤ b\nvar s = \"x ≤ y\"; /* ± */ char c = '±'; var v = @\"a \"\" ≥\";\n").ToList();
        Assert.Equal(new[] { "\"x ≤ y\"", "'±'", "\"a \"\" ≥\"" }, found.Select(f => f.Text));
        Assert.All(found, f => Assert.Equal(2, f.Line));
    }

    [Fact]
    public void EveryStringTheBoardOrTheSimulatorCanSendIsAscii()
    {
        var roots = new[] { RepoPaths.Combine("firmware"), RepoPaths.Combine("hal"), RepoPaths.Combine("host", "Preamp.SimHost") };
        var bad = new List<string>();
        foreach (var file in roots.SelectMany(r => Directory.EnumerateFiles(r, "*.cs", SearchOption.AllDirectories))
                                  .Where(p => !p.Contains("/obj/") && !p.Contains("/bin/")))
        {
            foreach (var (line, text) in Literals(File.ReadAllText(file, Encoding.UTF8)))
            {
                if (text.Any(ch => ch > 0x7E || (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t')))
                    bad.Add(Path.GetRelativePath(RepoPaths.Root, file) + ":" + line + ": " + text);
            }
        }
        Assert.True(bad.Count == 0, "non-ASCII in string literals (write <=, +/-, ..):\n" + string.Join("\n", bad));
    }
}
