// host/linux: the udev rule and the systemd user unit that start `preamp hub --source` while the board is plugged in.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace PreampFirmware.DesktopTests;

/// <summary>Runs once the tool has a `hub` command (a Command named "hub" in host/Preamp.Cli); skipped before.</summary>
public sealed class HubCommandFactAttribute : FactAttribute
{
    public HubCommandFactAttribute()
    {
        bool hub = Directory.GetFiles(RepoPaths.Combine("host", "Preamp.Cli"), "*.cs").Any(f => File.ReadAllText(f).Contains("Command(\"hub\""));
        if (!hub) Skip = "the tool has no `hub` command yet";
    }
}

/// <summary>Runs where systemd's systemd-analyze is installed (Debian's systemd package); a machine without systemd has no use for the unit.</summary>
public sealed class SystemdFactAttribute : FactAttribute
{
    public SystemdFactAttribute()
    {
        if (!File.Exists("/usr/bin/systemd-analyze")) Skip = "needs systemd-analyze (Debian's systemd package)";
    }
}

public class PlugInFilesTests
{
    private static string Rules => File.ReadAllText(RepoPaths.Combine("host", "linux", "70-preamp.rules"));
    private static string Unit => File.ReadAllText(RepoPaths.Combine("host", "linux", "preamp-hub@.service"));

    /// <summary>The rules in force: comments dropped, lines continued with a backslash joined.</summary>
    private static string[] ActiveRules(string text) =>
        Regex.Replace(text, @"\\\r?\n", " ").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

    private static string UnitValue(string key) =>
        Unit.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l.Substring(key.Length + 1)).First();

    /// <summary>The ExecStart's arguments after the program, with the instance (a board's serial) put in.</summary>
    private static string[] ExecArguments(string serial) => UnitValue("ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(a => a.Replace("%i", serial)).ToArray();

    [Fact]
    public void TheRuleMatchesTheBoardsOwnProductStringNotTheBridgesIdsAloneAndStartsTheUnitForItsName()
    {
        var rules = ActiveRules(Rules);
        Assert.Single(rules);
        string rule = rules[0];
        // Every CH343 adapter is 1a86:55d3: the rule must also ask for what only this board's bridge says.
        Assert.Contains("ATTRS{product}==\"PreampFirmware PA2\"", rule);
        Assert.Contains("ENV{ID_SERIAL_SHORT}==\"?*\"", rule);
        Assert.Contains("SUBSYSTEM==\"tty\"", rule);
        Assert.Contains("SYMLINK+=\"preamp-$env{ID_SERIAL_SHORT}\"", rule);
        Assert.Contains("TAG+=\"systemd\"", rule);
        Assert.Contains("ENV{SYSTEMD_USER_WANTS}+=\"preamp-hub@$env{ID_SERIAL_SHORT}.service\"", rule);
        Assert.Contains("ENV{ID_MM_DEVICE_IGNORE}=\"1\"", rule);
        // The README tells the builder to program the same product string into the CH343P.
        Assert.Contains("PreampFirmware PA2", File.ReadAllText(RepoPaths.Combine("README.md")));

        // The commented alternative, once filled in, matches one bridge's serial number, not the IDs alone.
        var lines = Rules.Split('\n');
        int first = Array.FindIndex(lines, l => l.StartsWith("#SUBSYSTEM", StringComparison.Ordinal));
        Assert.True(first > 0, "the rule file shows the serial-number alternative");
        int last = first;
        while (lines[last].TrimEnd().EndsWith('\\')) last++;
        var alternative = ActiveRules(string.Join('\n', lines[first..(last + 1)].Select(l => l.Substring(1))));
        Assert.Single(alternative);
        Assert.Contains("ENV{ID_SERIAL_SHORT}==\"<serial>\"", alternative[0]);
        Assert.DoesNotContain("ATTRS{product}", alternative[0]);
    }

    [Fact]
    public void TheUnitRunsTheHubOnTheRulesNameForTheBoardAndIsBoundToThatDevice()
    {
        // /dev/preamp-<serial> is the rule's symlink; systemd names its device unit dev-preamp\x2d<serial>.device.
        Assert.Equal("dev-preamp\\x2d%i.device", UnitValue("BindsTo"));
        Assert.Equal("dev-preamp\\x2d%i.device", UnitValue("After"));
        Assert.StartsWith("%h/.dotnet/tools/preamp ", UnitValue("ExecStart"));   // where `dotnet tool install --global` puts it
        Assert.Equal(new[] { "--port", "/dev/preamp-A1B2C3", "hub", "--source" }, ExecArguments("A1B2C3"));
        Assert.Contains("<ToolCommandName>preamp</ToolCommandName>", File.ReadAllText(RepoPaths.Combine("host", "Preamp.Cli", "Preamp.Cli.csproj")));
        Assert.DoesNotContain("[Install]", Unit);   // started by the rule, never enabled by hand
    }

    /// <summary>
    /// systemd itself reads the unit (`systemd-analyze --user verify`, instance A1B2C3): no unknown key, no value it
    /// ignores, and the command exists where %h puts it (a home whose ~/.dotnet/tools/preamp runs the built tool).
    /// </summary>
    [SystemdFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void SystemdVerifiesTheUnit()
    {
        var temp = Directory.CreateTempSubdirectory("preamp-unit");
        try
        {
            string tools = Directory.CreateDirectory(Path.Combine(temp.FullName, "home", ".dotnet", "tools")).FullName;
            string preamp = Path.Combine(tools, "preamp");
            File.WriteAllText(preamp, "#!/bin/sh\nexec dotnet '" + Tools.BuiltDll(Path.Combine("host", "Preamp.Cli"), "preamp.dll") + "' \"$@\"\n");
            File.SetUnixFileMode(preamp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            string units = Directory.CreateDirectory(Path.Combine(temp.FullName, "units")).FullName;
            File.WriteAllText(Path.Combine(units, "preamp-hub@.service"), Unit);
            File.CreateSymbolicLink(Path.Combine(units, "preamp-hub@A1B2C3.service"), "preamp-hub@.service");
            var psi = new ProcessStartInfo("/usr/bin/systemd-analyze") { WorkingDirectory = units, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "--user", "verify", "--man=no", "preamp-hub@A1B2C3.service" }) psi.ArgumentList.Add(a);
            psi.Environment["HOME"] = Path.Combine(temp.FullName, "home");
            psi.Environment["XDG_RUNTIME_DIR"] = Directory.CreateDirectory(Path.Combine(temp.FullName, "run")).FullName;
            using var p = Process.Start(psi)!;
            string said = p.StandardError.ReadToEnd() + p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(30_000));
            Assert.True(p.ExitCode == 0 && said.Trim().Length == 0, "systemd-analyze verify: exit " + p.ExitCode + "\n" + said);
        }
        finally
        {
            temp.Delete(true);
        }
    }

    /// <summary>
    /// The tool takes the unit's command line: its parser accepts every command and option in it. Checked with --status
    /// appended, which asks for a running hub and starts none (no port, no sound server touched): the command's own
    /// answer comes back, not a parse error. (--help would not do: it answers 0 even for an option the tool lacks.)
    /// </summary>
    [HubCommandFact]
    public void TheToolTakesTheUnitsCommandLine()
    {
        var (_, output) = Tools.RunWithoutTerminal("dotnet", 60_000, new[] { Tools.BuiltDll(Path.Combine("host", "Preamp.Cli"), "preamp.dll") }
            .Concat(ExecArguments("A1B2C3")).Append("--status").ToArray());
        Assert.DoesNotContain("Unrecognized", output);
        Assert.DoesNotContain("was not matched", output);
        Assert.StartsWith("preamp: ", output.Trim());
        Assert.Contains("/dev/preamp-A1B2C3", output);
    }
}
