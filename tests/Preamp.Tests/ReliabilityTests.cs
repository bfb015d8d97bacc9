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
        first.Ask("CAL:DATA " + Persist.CalibrationRecord(Persist.MeasuredCalibration()) + ";:CAL:STOR", 0.1);
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
        runner.BlockServiceMicroseconds = 32000;           // slower than the 21.3 ms block period
        streaming.Run(0.5);
        Assert.Contains("SAMPLELOOP", watching.Ask("SYST:COND?", 0.2));   // a slow loop answers late too
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
        Assert.True(owner.Blocks.Count > blocks + 20, "the owner's stream went on");   // 0.6 s: 28 blocks
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

    private static List<string> Lines(SimSerialPort port)
    {
        var buf = new byte[1 << 20];
        int n = port.HostRead(buf, 0, buf.Length);
        return System.Text.Encoding.ASCII.GetString(buf, 0, n).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [Fact]
    public void ALongLineIsRefusedWholeAndTheNextCommandStillRuns()
    {
        var runner = new SimRunner();
        var port = runner.OpenPort(out _);
        var line = System.Text.Encoding.ASCII.GetBytes(new string('A', 10000) + "\nINP1:GAIN 33\nINP1:GAIN?\nSYST:ERR?\nSYST:ERR?\n");
        port.HostWrite(line, 0, line.Length);
        runner.RunFor(0.2);
        var answers = Lines(port);
        Assert.Equal(new[] { "33", "-363,\"Input buffer overrun;line longer than 256 characters\"", "0,\"No error\"" }, answers);
        Assert.Equal(0, port.ReceiveOverruns);                 // paced at the line rate, the board kept up
    }

    [Fact]
    public void AFlowControlledClientGetsAnAnswerToEveryOneOf100000Queries()
    {
        var runner = new SimRunner();
        var port = runner.OpenPort(out _);
        var all = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*OPC?\n", 100000)));
        int sent = 0, answers = 0;
        var buf = new byte[1 << 16];
        for (int round = 0; round < 20000 && answers < 100000; round++)
        {
            int room = Math.Min(port.HostRoom, all.Length - sent);
            if (room > 0) { port.HostWrite(all, sent, room); sent += room; }
            runner.RunFor(0.005);
            int n = port.HostRead(buf, 0, buf.Length);
            for (int i = 0; i < n; i++) if (buf[i] == '\n') answers++;
        }
        Assert.Equal(100000, answers);
        Assert.Equal(0, port.ReceiveOverruns);
        Assert.Equal(0, port.TransmitOverruns);
    }

    [Fact]
    public void WithoutFlowControlAFloodOverrunsAndEveryLostByteIsCountedAndReported()
    {
        var runner = new SimRunner();
        var port = runner.OpenPort(out var session);
        var all = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*IDN?\n", 100000)));
        port.HostWrite(all, 0, all.Length);                    // at once, as pyserial writes to a terminal
        var text = new System.Text.StringBuilder();
        var buf = new byte[1 << 16];
        for (int i = 0; i < 600 && port.InputPending > 0; i++)
        {
            runner.RunFor(0.01);
            for (int n; (n = port.HostRead(buf, 0, buf.Length)) > 0;) text.Append(System.Text.Encoding.ASCII.GetString(buf, 0, n));
        }
        runner.RunFor(0.5);
        for (int n; (n = port.HostRead(buf, 0, buf.Length)) > 0;) text.Append(System.Text.Encoding.ASCII.GetString(buf, 0, n));
        var answered = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.True(port.ReceiveOverruns > 0);
        Assert.Equal(0, port.TransmitOverruns);                // answers are never dropped
        Assert.All(answered, a => Assert.StartsWith("PreampFirmware,", a));   // long answers hold the loop
        // Every query is answered or lies in the bytes lost (a line the gap fell in is dropped whole).
        long lostLines = port.ReceiveOverruns / 6;
        Assert.InRange(100000 - answered.Count, lostLines, lostLines + 2 * session.Errors.Count + 64);
        Assert.Equal(port.ReceiveOverruns, session.InputBytesLost);
        Assert.StartsWith("-363,\"Input buffer overrun;input overrun: ", session.Errors.Pop());
    }

    [Fact]
    public void EveryCompleteLineSentJustBeforeHangingUpIsCarriedOut()
    {
        var runner = new SimRunner();
        for (int gain = 20; gain < 30; gain++)
        {
            var port = runner.OpenPort(out var session);
            var line = System.Text.Encoding.ASCII.GetBytes("INP1:GAIN " + gain + "\n");
            port.HostWrite(line, 0, line.Length);
            runner.ClosePort(session);                          // `echo … | nc`: the socket closes at once
            runner.RunFor(0.02);
            Assert.Equal(0, runner.SessionsClosing);
            Assert.Equal(gain, runner.Firmware.Channels.Inputs[0].GainDb);
        }
    }

    [Fact]
    public void ATerminalThatSendsCrOnEnterIsAnswered()
    {
        var runner = new SimRunner();
        var port = runner.OpenPort(out _);
        var keys = System.Text.Encoding.ASCII.GetBytes("*IDN?\rINP1:GAIN 12\r\nINP1:GAIN?\r");
        port.HostWrite(keys, 0, keys.Length);
        runner.RunFor(0.05);
        var answers = Lines(port);
        Assert.Equal(2, answers.Count);
        Assert.StartsWith("PreampFirmware,", answers[0]);
        Assert.Equal("12", answers[1]);
    }
}
