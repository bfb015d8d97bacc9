// IEEE 488.2 as lab scripts use it, and nothing silent or stuck: PON after a restart, status registers per connection,
// erroring queries, MIN/MAX/DEF, recovery after a passing self-test, flash failures as a condition, linked steps.
using System.Linq;
using PreampFirmware.Control;
using PreampFirmware.Scpi;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class StatusReportingTests
{
    private static void Is(string expected, string actual, string why) => Assert.True(expected == actual, why + ": expected '" + expected + "', got '" + actual + "'");

    [Fact]
    public void ARestartSetsPowerOnForEveryConnectionThatSawItAndForNoOther()
    {
        var runner = new SimRunner();
        Assert.Equal(StatusRegisters.PowerOn, runner.MainSession.Status.Event);       // the UART is there from power-on
        var h = new Host(runner: runner);
        var other = new Host(runner: runner);
        Assert.Equal("0", h.Ask("*ESR?"));                                            // opened after boot: no restart seen
        h.Ask("INP1:GAIN 44;PAD ON", 0.5);
        h.Ask("SIM:FAUL FLASH,CUT;:*SAV 3", 0.2);                                   // the board restarts mid-write
        Assert.Equal(1, runner.Board.PowerCycles);
        Assert.Equal("128", h.Ask("*ESR?"));
        Is("0", h.Ask("*ESR?"), "reading clears it");
        Assert.Equal("128", other.Ask("*ESR?"));
        var later = new Host(runner: runner);
        Assert.Equal("0", later.Ask("*ESR?"));
    }

    [Fact]
    public void TheEventRegisterHoldsWhatCausedEachBitAndClearsOnRead()
    {
        var h = new Host();
        h.Ask("FOO");
        Assert.Equal("32", h.Ask("*ESR?"));                                           // CME
        h.Ask("*OPC");
        Assert.Equal("1", h.Ask("*ESR?"));                                            // OPC
        h.Ask("INP1:GAIN 7");
        Assert.Equal("16", h.Ask("*ESR?"));                                           // EXE (-222)
        h.Ask("SIM:FAUL FLASH,FAIL;:*SAV 2");
        Assert.Equal("16", h.Ask("*ESR?"));                                           // -240 is an execution error
        h.Ask("*CLS");
        h.Ask("FOO;:INP1:GAIN 7");
        Is("32", h.Ask("*ESR?"), "a command error skips the rest of its line");
        Assert.Equal("0", h.Ask("*ESR?"));
    }

    [Fact]
    public void TheStatusByteSummarisesTheQueueTheAnswersAndTheEnabledEvents()
    {
        var h = new Host();
        Assert.Equal("0", h.Ask("*STB?"));
        Assert.Equal("0", h.Ask("*ESE?;*SRE?").Split(';').Distinct().Single());
        h.Ask("FOO");
        Assert.Equal("4", h.Ask("*STB?"));                                            // EAV: an error waits
        h.Ask("*ESE 32;*SRE 36");
        Assert.Equal("32;36", h.Ask("*ESE?;*SRE?"));
        Assert.Equal("100", h.Ask("*STB?"));                                          // EAV + ESB + MSS
        Assert.Equal("1;116", h.Ask("*OPC?;*STB?"));                                  // MAV: the first answer waits
        h.Ask("*CLS");
        Assert.Equal("0", h.Ask("*STB?"));
        Is("32", h.Ask("*ESE?"), "*CLS keeps the masks");
        h.Ask("*ESE 256");
        Assert.StartsWith("-222,", h.Ask("SYST:ERR?"));
        var other = new Host(runner: h.Runner);
        Is("0;16", other.Ask("*ESE?;*STB?"), "each connection has its own registers (MAV: the first answer waits)");
    }

    [Fact]
    public void AQueryThatFailsAnswersNothingQueuesItsErrorAndTheLineGoesOn()
    {
        var h = new Host();
        Assert.Equal("", h.Ask("MEAS:LEV? 3"));
        Assert.StartsWith("-222,", h.Ask("SYST:ERR?"));
        Assert.Equal("16", h.Ask("*ESR?"));
        Assert.StartsWith("PreampFirmware", h.Ask("MEAS:LEV? 3;*IDN?"));
        Assert.Equal("16", h.Ask("*ESR?"));
        Assert.StartsWith("-222,", h.Ask("MEAS:LEV? 3;:SYST:ERR?"));                 // what a script can send instead of waiting
        h.Ask("INP1:GAIN 70;:INP1:PAD ON", 0.3);
        Is("0;1", h.Ask("INP1:GAIN?;PAD?"), "after an execution error the line goes on");
        Assert.Equal("", h.Ask("INP1:GAIN 30;INP1:FOO;:INP1:GAIN 40"));
        Is("30", h.Ask("INP1:GAIN?"), "after a command error it does not");
    }

    [Fact]
    public void EveryNumericSettingTakesAndReportsItsLimits()
    {
        var h = new Host();
        Assert.Equal("65;0;0", h.Ask("INP1:GAIN? MAX;GAIN? MIN;GAIN? DEF"));
        h.Ask("INP2:GAIN MAX");
        Assert.Equal("65", h.Ask("INP2:GAIN?"));
        h.Ask("INP2:GAIN DEF");
        Assert.Equal("0", h.Ask("INP2:GAIN?"));
        Assert.Equal("0.5;60.0;10.0", h.Ask("INP1:GAIN:AUTO:TIME? MIN;TIME? MAX;TIME? DEF"));
        Assert.Equal("-40.0;-1.0;-12.0", h.Ask("INP1:GAIN:AUTO:TARG? MIN;TARG? MAX;TARG? DEF"));
        h.Ask("INP1:GAIN:AUTO:TIME MAX;TARG MIN");
        Assert.Equal("60.0;-40.0", h.Ask("INP1:GAIN:AUTO:TIME?;TARG?"));
        h.Ask("INP1:GAIN:AUTO:TIME DEF;TARG DEF");
        Assert.Equal("10.0;-12.0", h.Ask("INP1:GAIN:AUTO:TIME?;TARG?"));
        Assert.Equal("16000;48000;48000", h.Ask("STR:RATE? MIN;RATE? MAX;RATE? DEF"));   // 48000 is what 4 Mbaud carries
        h.Ask("STR:RATE MIN");
        Assert.Equal("16000", h.Ask("STR:RATE?"));
        h.Ask("STR:RATE DEF");
        Assert.Equal("48000", h.Ask("STR:RATE?"));
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
        Assert.Equal("", h.Ask("INP1:GAIN? UP"));
        Assert.StartsWith("-224,", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void APassingSelfTestAfterAClearedFaultBringsTheBoardBackWithoutAReboot()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 40;:INP2:GAIN 25", 0.5);                                   // saved 250 ms later
        h.Ask("SIM:FAUL GAINBUS,STUCK0", 0.1);
        Assert.NotEqual("0", h.Ask("*TST?"));
        string errors = string.Join("\n", Enumerable.Range(0, 6).Select(_ => h.Ask("SYST:ERR?")));
        Assert.Contains("-330,\"Self-test failed;", errors);
        Assert.Contains("safe state (muted, phantom off, gains 0 dB)", errors);   // the zeroed gains are said
        Assert.Equal("0;0", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
        h.Ask("INP1:PAD ON");
        Assert.StartsWith("-240,", h.Ask("SYST:ERR?"));
        h.Ask("SIM:FAUL GAINBUS,OFF", 0.1);
        h.Ask("*CLS");
        Assert.Equal("0", h.Ask("*TST?", 0.3));
        Assert.Equal("NONE;0", h.Ask("SYST:COND?;:STAT:QUES:COND?"));
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));                        // nothing stale reported after the pass
        Is("40;25", h.Ask("INP1:GAIN?;:INP2:GAIN?"), "the last saved state is back, as at boot");
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:PAD ON;:STR:STAR", 1.0);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
        Assert.Equal("1;1", h.Ask("INP1:PAD?;:STR:ACT?"));
        Assert.True(h.Blocks.Count > 40, "the stream runs: " + h.Blocks.Count + " blocks");   // a second: 47 blocks
        double peak = double.Parse(h.Ask("MEAS:LEV? 1").Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(peak > -100, "the meter reads the source again: " + peak);
        Assert.Equal(0, h.Runner.Board.PowerCycles);
    }

    [Fact]
    public void AFailedPresetWriteIsAConditionUntilAWriteSucceeds()
    {
        var h = new Host();
        h.Ask("SIM:FAUL FLASH,FAIL;:*SAV 2", 0.1);
        Assert.StartsWith("-240,", h.Ask("SYST:ERR?"));
        Assert.Equal("FLASH;32", h.Ask("SYST:COND?;:STAT:QUES:COND?"));
        h.Ask("*SAV 2", 0.1);
        Assert.Equal("NONE;0", h.Ask("SYST:COND?;:STAT:QUES:COND?"));
    }

    [Fact]
    public void LinkedInputsStepTheSameFromEitherInput()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 10;:INP2:GAIN 25;:INP:LINK ON", 0.1);
        h.Ask("INP2:GAIN DOWN");
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
        Assert.Equal("0;15", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
        h.Ask("INP2:GAIN UP");
        Assert.Equal("10;25", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
        h.Ask("SIM:BUTT CHAN,100", 0.3);                                            // the knob on input 2
        h.Ask("SIM:KNOB -1", 0.5);
        Assert.Equal("0;15", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
    }

    [Fact]
    public void NoCommandMarksACalibrationValid()
    {
        var h = new Host();
        h.Ask("CAL:VAL ON;:CAL:STOR", 0.1);
        Assert.StartsWith("-113,", h.Ask("SYST:ERR?"));
        Assert.Equal("0", h.Ask("CAL:STAT?"));
        var zero = new Calibration { IsValid = true };                              // flagged, but no reference: not measured
        h.Ask("CAL:DATA " + Persist.CalibrationRecord(zero));
        Assert.StartsWith("-224,\"Illegal parameter value;not a complete calibration", h.Ask("SYST:ERR?"));
        Assert.Equal("0", h.Ask("CAL:STAT?"));
        h.Ask("CAL:DATA " + Persist.CalibrationRecord(Persist.MeasuredCalibration()));
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
        Assert.Equal("1", h.Ask("CAL:STAT?"));
    }
}
