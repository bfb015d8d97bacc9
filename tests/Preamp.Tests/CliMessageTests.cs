// The `preamp` tool says what is wrong in one line, as a user meets it: no stack traces, no misleading words.
using System.IO;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class CliMessageTests
{
    private static string Preamp => Tools.BuiltDll(Path.Combine("host", "Preamp.Cli"), "preamp.dll");

    [Fact]
    public void AMissingSerialDeviceIsCalledMissingNotAccessDenied()
    {
        var (code, output) = Tools.RunWithoutTerminal("dotnet", 60_000, Preamp, "--port", "/dev/nonexist", "scpi", "*IDN?");
        Assert.Equal(1, code);
        Assert.Contains("preamp: /dev/nonexist: no such device", output);
        Assert.DoesNotContain("denied", output);
    }

    [Fact]
    public void CalibrateWithoutATerminalAsksForYesInsteadOfCrashing()
    {
        var (code, output) = Tools.RunWithoutTerminal("dotnet", 120_000, Preamp, "--sim", "calibrate", "--ref-dbu", "-40");
        Assert.Equal(1, code);
        Assert.Contains("stdin is not a terminal; use --yes", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void ASimulatorLinkTooSlowToStreamSaysSo()
    {
        var (code, output) = Tools.RunWithoutTerminal("dotnet", 60_000, Preamp, "sim", "--baud", "9600", "--tcp", "0", "--seconds", "0.3");
        Assert.Equal(0, code);
        Assert.Contains("streaming: 9600 baud cannot stream at any rate", output);
        var (_, normal) = Tools.RunWithoutTerminal("dotnet", 60_000, Preamp, "sim", "--tcp", "0", "--seconds", "0.3");
        Assert.Contains("streaming: up to 48000 S/s at 4000000 baud", normal);
    }

    [Fact]
    public void ThePanelListensBeyondThisComputerOnlyWhenTold()
    {
        var (code, output) = Tools.RunWithoutTerminal("dotnet", 60_000, Preamp, "--sim", "ui", "--listen", "0.0.0.0:0", "--seconds", "0.5");
        Assert.Equal(1, code);
        Assert.Contains("is not loopback: add --allow-remote", output);
        var (ok, warned) = Tools.RunWithoutTerminal("dotnet", 60_000, Preamp, "--sim", "ui", "--listen", "0.0.0.0:0", "--allow-remote", "--seconds", "0.5");
        Assert.Equal(0, ok);
        Assert.Contains("warning: the panel is served on 0.0.0.0", warned);
    }
}
