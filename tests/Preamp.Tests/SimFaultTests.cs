// SIMulation:FAULt: every fault the suite knows, injected from a client, reported as a board would, and cleared.
using System;
using System.Linq;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class SimFaultTests
{
    private static string Err(Host h) => h.Ask("SYST:ERR?");

    [Theory]
    [InlineData("GAINBUS,STUCK0", "-240,\"Hardware error;PGA2500 chain stopped answering", "GAINCHAIN", "MISO stuck low?")]
    [InlineData("GAINBUS,STUCK1", "-240,\"Hardware error;PGA2500 chain stopped answering", "GAINCHAIN", "MISO stuck high?")]
    [InlineData("ADCBUS,STUCK0", "-240,\"Hardware error;PCM1863", "CONVERTER", "stuck low")]
    [InlineData("ADCBUS,STUCK1", "-240,\"Hardware error;PCM1863", "CONVERTER", "stuck high")]
    [InlineData("AUDIO,STOP", "-240,\"Hardware error;PCM1863 is not running as configured", "CONVERTER", "")]
    [InlineData("AUDIO,NOCLOCK", "-240,\"Hardware error;PCM1863 is not running as configured", "CONVERTER", "CLK_STATUS 0x30")]
    public void AHardwareFaultIsReportedToTheConnectedClientsAndStaysACondition(string fault, string error, string condition, string hint)
    {
        var runner = new SimRunner();
        var h = new Host(runner: runner);
        h.Ask("SIM:FAULt " + fault, 1.5);
        Assert.Equal(fault.Replace(',', ':'), h.Ask("SIM:FAULt?"));
        string e = Err(h);
        Assert.StartsWith(error, e);
        Assert.Contains(hint, e, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(condition, h.Ask("SYST:COND?"));
        var later = new Host(runner: runner);
        Assert.Equal("0,\"No error\"", Err(later));             // a new session starts clean and reads the condition
        Assert.Contains(condition, later.Ask("SYST:COND?"));
        h.Ask("SIM:FAULt CLEar", 1.5);
        Assert.Equal("NONE", h.Ask("SIM:FAULt?"));
        Assert.Equal("NONE", h.Ask("SYST:COND?"));
    }

    [Fact]
    public void ASlowLoopDropsBuffersWhileStreamingAndSaysSoOnce()
    {
        var h = new Host();
        h.Ask("STR:STAR;:SIM:FAULt LOOP,SLOW", 0.5);
        Assert.Equal("LOOP:SLOW", h.Ask("SIM:FAUL?", 0.2));           // a slow loop answers late too
        Assert.Contains("SAMPLELOOP", h.Ask("SYST:COND?", 0.2));
        h.Ask("SIM:FAULt LOOP,OFF;:STR:STOP", 0.2);
        Assert.StartsWith("-300,\"Device-specific error;the sample loop fell behind", Err(h));
        Assert.True(h.Timeline.ConverterLostFrames > 0);
        Assert.Equal(h.Timeline.ConverterLostFrames, h.Timeline.SilencedFrames);
    }

    [Fact]
    public void DamagedLinkBytesAreFoundByTheHostsCrcAndCounted()
    {
        var h = new Host();
        h.Ask("STR:STAR;:SIM:FAULt LINK,DAMAGE", 0.05);
        h.Run(3.0);
        h.Ask("SIM:FAULt CLEar;:STR:STOP", 0.2);
        Assert.True(h.Timeline.DamagedBlocks + h.Timeline.MissingBlocks > 0, "some blocks arrived damaged");
        Assert.Equal(h.Timeline.DamagedBlockFrames + h.Timeline.MissingBlockFrames, h.Timeline.SilencedFrames);
        Assert.Equal(0, h.Runner.Firmware.Stream.FramesLostByConverter);
    }

    [Fact]
    public void AFailedFlashWriteKeepsTheOldSettingsAndIsReported()
    {
        var runner = new SimRunner();
        var h = new Host(runner: runner);
        h.Ask("INP1:GAIN 30", 0.5);
        h.Ask("SIM:FAULt FLASH,FAIL;:INP1:GAIN 50", 0.5);
        Assert.StartsWith("-240,\"Hardware error;settings not saved: writing state", Err(h));
        Assert.Contains("FLASH", h.Ask("SYST:COND?"));
        Assert.Equal("NONE", h.Ask("SIM:FAULt?"));               // a one-shot: it has happened
        runner.PowerCycle();
        var after = new Host(runner: runner);
        Assert.Equal("30", after.Ask("INP1:GAIN?"));
    }

    [Fact]
    public void APowerCutInAFlashWriteRebootsTheBoardWithTheOldSettings()
    {
        var runner = new SimRunner();
        var h = new Host(runner: runner);
        h.Ask("INP1:GAIN 30;:INP1:PHAN ON", 0.5);
        h.Ask("SIM:FAULt FLASH,CUT;:INP1:GAIN 50", 0.5);
        Assert.Equal(1, runner.Board.PowerCycles);
        Assert.Equal("30", h.Ask("INP1:GAIN?"));                 // the same client, on the rebooted board
        Assert.Equal("0,\"No error\"", Err(h));
        Assert.Equal("NONE", h.Ask("SIM:FAULt?;:SYST:COND?").Split(';')[0]);
        Assert.Equal("NONE", h.Ask("SYST:COND?"));
        h.Run(2.0);
        Assert.True(runner.Board.PhantomRelays[0].Contact, "phantom came back through its sequence");
    }

    [Fact]
    public void AnUnknownFaultIsRefusedWithTheListOfKnownOnes()
    {
        var h = new Host();
        h.Ask("SIM:FAULt GAINBUS,MELT", 0.05);
        Assert.Equal("-224,\"Illegal parameter value;GAINBUS faults are STUCK0, STUCK1 (or OFF)\"", Err(h));
        h.Ask("SIM:FAULt RADIO,STOP", 0.05);
        Assert.StartsWith("-224,\"Illegal parameter value;part is one of ", Err(h));
        Assert.Equal("NONE", h.Ask("SIM:FAULt?"));
    }

    [Fact]
    public void ALostBitClockShowsAsHaltedClocksAndSilence()
    {
        var runner = new SimRunner();
        var h = new Host(runner: runner);
        Assert.Equal("RUN,48000,10", h.Ask("DIAG:ADC:CLOC?"));
        h.Ask("SIM:SOUR1 SINE,1000,0", 0.5);
        Assert.True(double.Parse(h.Ask("MEAS:LEV? 1").Split(',')[0], System.Globalization.CultureInfo.InvariantCulture) > -30);
        h.Ask("SIM:FAULt AUDIO,NOCLOCK", 1.5);
        Assert.Equal("HALTED,0,30", h.Ask("DIAG:ADC:CLOC?"));           // BCK halted (b5), SCK halted (no SCKI)
        Assert.True(double.Parse(h.Ask("MEAS:LEV? 1").Split(',')[0], System.Globalization.CultureInfo.InvariantCulture) < -120, "no samples");
        h.Ask("SIM:FAULt AUDIO,OFF", 1.5);
        Assert.Equal("RUN,48000,10", h.Ask("DIAG:ADC:CLOC?"));
    }

    [Fact]
    public void AFramingFaultAfterBootIsAConverterFaultUntilASelfTestFindsTheFraming()
    {
        var runner = new SimRunner();
        var h = new Host(runner: runner);
        h.Ask("SIM:FAULt ADCBUS,MODE1;:SIM:FAULt ADCBUS,RWMSB", 1.5);
        Assert.Equal("ADCBUS:MODE1,ADCBUS:RWMSB", h.Ask("SIM:FAULt?"));
        Assert.StartsWith("-240,\"Hardware error;PCM1863", Err(h));
        Assert.Contains("CONVERTER", h.Ask("SYST:COND?"));
        Assert.Equal("0", h.Ask("*TST?", 0.5));                           // the search finds the part's framing
        h.Run(1.5);
        Assert.Equal("ADCMODE1,ADCRWMSB", h.Ask("SYST:COND?"));
        Assert.Equal("1,MSB,FOUND", h.Ask("DIAG:ADC:PORT?"));
        h.Ask("SIM:FAULt ADCBUS,OFF", 0.05);                             // ends both
        Assert.Equal("NONE", h.Ask("SIM:FAULt?"));
    }
}
