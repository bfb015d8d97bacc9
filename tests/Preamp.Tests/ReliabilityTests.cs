// What users hit where sessions, history and volume meet: each case as a user met it, on the simulated board.
using System;
using System.Collections.Generic;
using System.Linq;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ReliabilityTests
{
    private static string Err(Host h) => h.Ask("SYST:ERR?");

    [Fact]
    public void ADamagedCalibrationIsAConditionNotAnErrorEveryLaterConnectionInherits()
    {
        var first = new Host();
        first.Ask("CAL:VAL ON;:CAL:STOR", 0.1);
        var flash = first.Runner.Board.Flash;
        foreach (var name in flash.Names.Where(n => n.StartsWith("calibration")).ToList()) flash.Corrupt(name, 20);

        var runner = new SimRunner(new SimBoardOptions { Flash = flash });
        Assert.StartsWith("-240,\"Hardware error;stored calibration is damaged", runner.MainSession.Errors.Pop());
        for (int i = 0; i < 3; i++)
        {
            var later = new Host(runner: runner);          // a new TCP client, as `preamp scpi` opens one per run
            Assert.StartsWith("PreampFirmware", later.Ask("*IDN?"));
            Assert.Equal("0,\"No error\"", Err(later));
            Assert.Equal("CALIBRATION", later.Ask("SYSTem:CONDition?"));
            Assert.Equal("8", later.Ask("STAT:QUES:COND?"));
        }
    }

    [Fact]
    public void ASlowLoopIsHeardByTheConnectionsOpenThenAndByNoLaterOne()
    {
        var runner = new SimRunner();
        var streaming = new Host(runner: runner);
        var watching = new Host(runner: runner);
        streaming.Ask("STR:STAR", 0.2);
        runner.BlockServiceMicroseconds = 8000;            // slower than the 5.3 ms block period
        streaming.Run(0.5);
        Assert.Contains("SAMPLELOOP", watching.Ask("SYST:COND?"));
        runner.BlockServiceMicroseconds = 0;
        streaming.Ask("STR:STOP", 0.1);
        Assert.StartsWith("-300,", Err(watching));
        Assert.StartsWith("-300,", streaming.Ask("SYST:ERR?"));
        var later = new Host(runner: runner);
        Assert.Equal("0,\"No error\"", Err(later));
        Assert.Equal("NONE", later.Ask("SYST:COND?"));
    }

    [Fact]
    public void OnlyTheStreamsOwnerStopsItAnotherConnectionGets221()
    {
        var runner = new SimRunner();
        var owner = new Host(runner: runner);
        var other = new Host(runner: runner);
        owner.Ask("INP1:GAIN 30;:STR:STAR", 0.2);
        int blocks = owner.Blocks.Count;
        other.Ask("STReam:STOP", 0.1);
        Assert.StartsWith("-221,", Err(other));
        other.Ask("*RST", 0.1);
        Assert.StartsWith("-221,", Err(other));
        Assert.Equal("30", other.Ask("INP1:GAIN?"));       // *RST refused whole
        Assert.Equal("1", other.Ask("STR:ACT?"));
        owner.Run(0.2);
        Assert.True(owner.Blocks.Count > blocks + 30, "the owner's stream went on");
        owner.Ask("STR:STOP", 0.1);
        Assert.Equal("0", other.Ask("STR:ACT?"));
        other.Ask("*RST", 0.1);
        Assert.Equal("0,\"No error\"", Err(other));
        Assert.Equal("0", other.Ask("INP1:GAIN?"));
    }

    [Fact]
    public void ASecondAutoGainRunOnSilenceIsTooQuiet()
    {
        var h = new Host();
        h.Ask("*RST;:SIM:SOUR1 SINE,1000,-50;:INP1:GAIN 10;:INP1:GAIN:AUTO:TIME 2;:INP1:GAIN:AUTO", 2.3);
        Assert.Equal("SUCCESS", h.Ask("INP1:GAIN:AUTO:STAT?"));
        h.Ask("SIM:SOUR1 SINE,1000,-120;:INP1:GAIN:AUTO", 2.3);   // at once: the tone is still in the DMA ring
        Assert.Equal("TOO_QUIET", h.Ask("INP1:GAIN:AUTO:STAT?"));
        Assert.Equal("65", h.Ask("INP1:GAIN?"));
    }

    [Fact]
    public void ASelfTestInOperationChangesNothingTheAudioPathSees()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 40;PAD ON;:INP2:GAIN 25;POL INV", 0.3);
        var pga = h.Runner.Board.Pga;
        var seen = new List<string>();
        pga.Latched += () => seen.Add(Words(pga));
        string before = Words(pga);
        Assert.Equal("0", h.Ask("*TST?", 0.1));
        Assert.NotEmpty(seen);
        Assert.All(seen, w => Assert.Equal(before, w));
        Assert.True(h.Runner.Board.PadRelays[0].Contact, "the pad relay held");
        Assert.False(pga.GainPending(0) || pga.GainPending(1), "no gain change waits for a zero crossing");
        Assert.Equal("0,\"No error\"", Err(h));
    }

    /// <summary>What reaches the audio path from each chip's word: gain, GPO1 (pad), GPO2 (polarity), servo, OVR threshold.</summary>
    private static string Words(SimPga2500Chain pga) => string.Join(" ", new[] { 0, 1 }.Select(ch => (pga.Word(ch) & ~0x0C00).ToString("X4")));

    [Fact]
    public void TheMeterShowsWhatIsRecordedAMutedInputReadsSilence()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 30;:STR:STAR", 0.5);
        Assert.True(double.Parse(h.Ask("MEAS:LEV? 1").Split(',')[0]) > -30);
        h.Ask("INP1:MUTE ON", 0.5);
        int from = h.Ch1.Count;
        h.Run(0.5);
        Assert.True(h.Ch1.Count - from > 20000);
        Assert.All(h.Ch1.Skip(from), s => Assert.Equal(0, s));
        Assert.Equal(-200.0, double.Parse(h.Ask("MEAS:LEV? 1").Split(',')[0]));
    }

    [Fact]
    public void LinkedGainsKeepTheirOffsetInDbAndAClampedMoveSaysSo()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 20;:INP2:GAIN 60;:INP:LINK ON;:INP1:GAIN 0", 0.1);
        Assert.Equal("0", h.Ask("INP1:GAIN?"));
        Assert.Equal("40", h.Ask("INP2:GAIN?"));
        Assert.Equal("0,\"No error\"", Err(h));
        h.Ask("INP1:GAIN 45", 0.1);                            // input 2 would need 85 dB
        Assert.Equal("25", h.Ask("INP1:GAIN?"));
        Assert.Equal("65", h.Ask("INP2:GAIN?"));
        Assert.Equal("-221,\"Settings conflict;linked inputs keep their 40 dB offset: input 1 went to 25 dB, not 45 (the other input cannot follow)\"", Err(h));
    }
}
