// The host tool notices a restart of the board (IEEE 488.2 PON) and says so; a run that saw none says nothing.
using System.IO;
using PreampFirmware.Client;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class RestartNoticeTests
{
    private static string Preamp => Tools.BuiltDll(Path.Combine("host", "Preamp.Cli"), "preamp.dll");

    [Fact]
    public void OnlyThePowerOnBitIsARestart()
    {
        Assert.Equal(BoardRestart.Notice, BoardRestart.Describe(128));
        Assert.Equal(BoardRestart.Notice, BoardRestart.Describe(128 | 32 | 1));
        Assert.Null(BoardRestart.Describe(127));
        Assert.True(BoardRestart.LinesUseEventRegister(new[] { "INP1:GAIN 3", "*esr?" }));
        Assert.False(BoardRestart.LinesUseEventRegister(new[] { "INP1:GAIN 3", "*IDN?" }));
    }

    [Fact]
    public void ScpiSaysTheBoardRestartedDuringItsRunAndNothingOtherwise()
    {
        var (code, output) = Tools.RunWithoutTerminal("dotnet", 60_000, Preamp, "--sim", "scpi", "INP1:GAIN 44", "SIM:FAUL FLASH,CUT", "*SAV 3", "*OPC?", "INP1:GAIN?");
        Assert.Contains("note: " + BoardRestart.Notice, output);
        Assert.DoesNotContain("   at ", output);
        var (_, quiet) = Tools.RunWithoutTerminal("dotnet", 60_000, Preamp, "--sim", "scpi", "INP1:GAIN 44", "*SAV 3", "INP1:GAIN?");
        Assert.DoesNotContain("restarted", quiet);
        Assert.Contains("44", quiet);
    }
}
