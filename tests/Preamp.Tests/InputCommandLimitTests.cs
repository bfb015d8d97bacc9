// The input commands at the edges of what they take, and the exact error past each edge; a board that failed its
// self-test refuses what would move the audio path.
using Xunit;

namespace PreampFirmware.DesktopTests;

public class InputCommandLimitTests
{
    private const string Ok = "0,\"No error\"";

    [Fact]
    public void AutoGainWindowAndTargetTakeTheirWholeRangeAndNoMore()
    {
        var h = new Host();
        Assert.Equal(Ok, h.ErrorAfter("INP1:GAIN:AUTO:TIME 0.5"));
        Assert.Equal(Ok, h.ErrorAfter("INP2:GAIN:AUTO:TIME 60"));
        Assert.Equal("-222,\"Data out of range;listening window 0.5..60 s\"", h.ErrorAfter("INP1:GAIN:AUTO:TIME 0.49"));
        Assert.Equal("-222,\"Data out of range;listening window 0.5..60 s\"", h.ErrorAfter("INP1:GAIN:AUTO:TIME 60.1"));
        Assert.Equal(500, h.Runner.Firmware.Automation.AutoGainOf(0).WindowMs);
        Assert.Equal(60000, h.Runner.Firmware.Automation.AutoGainOf(1).WindowMs);
        Assert.Equal(Ok, h.ErrorAfter("INP1:GAIN:AUTO:TARGet -40"));
        Assert.Equal(Ok, h.ErrorAfter("INP2:GAIN:AUTO:TARGet -1"));
        Assert.Equal("-222,\"Data out of range;peak target -40..-1 dBFS\"", h.ErrorAfter("INP1:GAIN:AUTO:TARGet -40.1"));
        Assert.Equal("-222,\"Data out of range;peak target -40..-1 dBFS\"", h.ErrorAfter("INP1:GAIN:AUTO:TARGet -0.9"));
        Assert.Equal(-40.0, h.Runner.Firmware.Automation.AutoGainOf(0).TargetDbfs);
        Assert.Equal(-1.0, h.Runner.Firmware.Automation.AutoGainOf(1).TargetDbfs);
        string state = h.Ask("SYST:STAT?");   // the panel's one query reports both targets last (it marks them on the meters)
        Assert.Equal(PreampFirmware.Host.StateQuery.Fields, state.Split(',').Length);
        Assert.EndsWith(",-40.0,-1.0", state);
        Assert.Equal("-104,\"Data type error;expected a number, got 'LOUD'\"", h.ErrorAfter("INP1:GAIN:AUTO:TARGet LOUD"));
    }

    [Fact]
    public void PresetsAndMeterChannelsOutsideTheirRangeAreRefused()
    {
        var h = new Host();
        Assert.Equal("-222,\"Data out of range;presets are 1..8\"", h.ErrorAfter("*SAV 0"));
        Assert.Equal("-222,\"Data out of range;presets are 1..8\"", h.ErrorAfter("*SAV 9"));
        Assert.Equal("-222,\"Data out of range;presets are 1..8\"", h.ErrorAfter("*RCL 9"));
        Assert.Equal(Ok, h.ErrorAfter("*SAV 8"));
        Assert.StartsWith("-222,\"Data out of range;channel must be 1 or 2\"", h.ErrorAfter("MEAS:LEV? 0"));
        Assert.StartsWith("-222,\"Data out of range;channel must be 1 or 2\"", h.ErrorAfter("MEAS:LEV? 3"));
        Assert.Equal("-222,\"Data out of range;gain must be 0 or 10..65 dB, got 5\"", h.ErrorAfter("INP1:GAIN 5"));
    }

    [Fact]
    public void ABoardThatFailedItsSelfTestRefusesRelaysAutoGainAndRecallButStillSaves()
    {
        var h = new Host();
        h.Ask("SIM:FAULt GAINBUS,STUCK1", 0.1);
        h.Ask("*TST?", 0.2);
        for (int i = 0; i < 20 && !h.Ask("SYST:ERR?").StartsWith("0,"); i++) { }   // the self-test's own reports
        Assert.False(h.Runner.Firmware.Channels.Ready);
        const string Refusal = "-240,\"Hardware error;the board failed its self-test and stays safe: see *TST? and SYSTem:CONDition?\"";
        Assert.Equal(Refusal, h.ErrorAfter("INP1:PAD ON"));
        Assert.Equal("0", h.Ask("INP1:PAD?"));
        Assert.Equal(Refusal, h.ErrorAfter("INP1:PHAN ON"));
        Assert.Equal(Refusal, h.ErrorAfter("INP1:GAIN:AUTO"));
        Assert.Equal(Refusal, h.ErrorAfter("*RCL 1"));
        Assert.Equal(Ok, h.ErrorAfter("*SAV 2"));
    }
}
