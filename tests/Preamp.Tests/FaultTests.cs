// Faults while running: the converter's bus fails or the chip stops, the host floods the link, the board resets in
// the middle of a phantom ramp. Each ends safe, and the device says what happened.
using System;
using System.Linq;
using System.Text;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class FaultTests
{
    [Theory]
    [InlineData(MisoFault.StuckHigh)]
    [InlineData(MisoFault.StuckLow)]
    public void AStuckMisoDuringStreamingIsFoundCountedAndReported(MisoFault fault)
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 30;:STR:STAR", 0.3);
        Assert.Equal(0, h.Timeline.DamagedFrames);
        h.Runner.Board.AdcSpi.Miso = fault;
        h.Run(0.3);
        Assert.True(h.Runner.Firmware.AdcFault);
        Assert.True(h.Timeline.DamagedFrames > 20, "the host found the damaged frames: " + h.Timeline.DamagedFrames);
        Assert.True(h.Ch1.Skip(h.Ch1.Count - 1000).All(v => v == 0), "damaged samples became silence");
        string e = h.Ask("SYST:ERR?", 0.2);
        Assert.StartsWith("-240,\"Hardware error;ADS131M02: frames fail their CRC", e);
        h.Runner.Board.AdcSpi.Miso = MisoFault.None;
        h.Run(0.3);
        Assert.False(h.Runner.Firmware.AdcFault, "the fault clears once frames check out again");
    }

    [Fact]
    public void CrcErrorsOnSomeFramesAreCountedByTheHostNotRaisedAsAFault()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:STR:STAR", 0.2);
        h.Runner.Board.AdcSpi.CorruptByteIndex = 4;
        h.Runner.Board.AdcSpi.CorruptNextFrames = 10;
        h.Run(0.3);
        Assert.InRange(h.Timeline.DamagedFrames, 1, 10);
        Assert.False(h.Runner.Firmware.AdcFault);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?", 0.1));
    }

    [Fact]
    public void AGainChainThatStopsAnsweringIsReportedWithinASecondEvenWhenNobodyTouchesIt()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 30", 1.5);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
        int writes = h.Runner.Firmware.Gain.Writes;
        h.Runner.Board.GainSpi.Miso = MisoFault.StuckLow;   // SDO of the chain gone
        h.Run(1.2);
        Assert.True(h.Runner.Firmware.GainChainFault);
        Assert.InRange(h.Runner.Firmware.Gain.Writes - writes, 1, 2);   // one heartbeat a second, the same words
        Assert.Equal(30, h.Runner.Board.Pga.GainDb(0));
        string err = h.Ask("SYST:ERR?");
        Assert.StartsWith("-240,\"Hardware error;PGA2500 chain stopped answering: loop-back read 0x0000 0x0000, expected 0x", err);
        Assert.Contains("(MISO stuck low?)", err);
        h.Run(2.0);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));   // reported once per episode
        h.Runner.Board.GainSpi.Miso = MisoFault.None;
        h.Run(2.2);
        Assert.False(h.Runner.Firmware.GainChainFault);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void AGainWriteThatComesBackWrongIsReportedAtOnce()
    {
        var h = new Host();
        h.Run(0.2);
        h.Runner.Board.GainSpi.Miso = MisoFault.StuckHigh;
        h.Ask("INP2:GAIN 40", 0.02);
        Assert.StartsWith("-240,\"Hardware error;PGA2500 chain stopped answering", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void AHealthyChainIsLeftAloneWhileTheGainMoves()
    {
        var h = new Host();
        for (int i = 0; i < 20; i++) h.Ask("INP1:GAIN " + (20 + i), 0.1);
        Assert.False(h.Runner.Firmware.GainChainFault);
        Assert.Equal(0, h.Runner.Firmware.Gain.LoopBackFailures);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void ABoardTooSlowForTheRateMissesConversionsAndTheHostCountsEveryOne()
    {
        // 230 µs of processor time per frame, the middle of the ESP32 estimate: more than 125 µs at 8 kS/s.
        var h = new Host(runner: new SimRunner { FrameServiceMicroseconds = 230 });
        h.Ask("SIM:SOUR1 SINE,1000,-30;:STR:RATE 8000");
        long startUs = h.Runner.Board.NowMicroseconds;
        h.Ask("STR:STAR", 2.0);
        string stats = h.Ask("STR:STAT?");
        h.Ask("STR:STOP");
        double actual = double.Parse(stats.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(actual, 3000, 4500);                             // the device says how fast it really reads
        Assert.True(h.Timeline.MissedConversions > 5000, "missed conversions counted: " + h.Timeline.MissedConversions);
        Assert.Equal(0, h.Timeline.LostFrames);
        Assert.True(h.Runner.Board.Adc.MissedConversions > 5000);
        string err = h.Ask("SYST:ERR?");
        Assert.Matches(@"^-300,""Device-specific error;the sample loop services (3[0-9]{3}|4[0-4][0-9]{2}) of 8000 conversions a second", err);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));   // once per stream
        // The timeline keeps the converter's time: what arrived plus what was missed fills the stream's length.
        long firstUs = h.Blocks[0].TimestampUs;
        long lastEndUs = h.Blocks[^1].TimestampUs + 64 * 125;
        Assert.InRange(h.Timeline.SamplesOut, (lastEndUs - firstUs) / 125 - 64, (lastEndUs - firstUs) / 125 + 64);
    }

    [Fact]
    public void ABoardFastEnoughForTheRateMissesNothing()
    {
        var h = new Host(runner: new SimRunner { FrameServiceMicroseconds = 230 });
        h.Ask("SIM:SOUR1 SINE,1000,-30;:STR:RATE 4000;:STR:STAR", 2.0);
        h.Ask("STR:STOP");
        Assert.True(h.Timeline.SamplesOut > 7000);
        Assert.Equal(0, h.Timeline.MissedConversions);
        Assert.Equal(0, h.Runner.Board.Adc.MissedConversions);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void AConverterThatStopsAnsweringIsReported()
    {
        var h = new Host();
        h.Run(0.2);
        h.Runner.Board.Adc.ResetLineBroken = false;
        lock (h.Runner.Gate) h.Runner.Board.AdcSyncReset.Write(false);   // the chip drops out (held in reset)
        h.Run(0.2);
        Assert.True(h.Runner.Firmware.AdcFault);
        Assert.StartsWith("-240,\"Hardware error;ADS131M02: no conversion", h.Ask("SYST:ERR?"));
        Assert.Equal("0,0,0", h.Ask("SIM:REL? 1"));
    }

    [Fact]
    public void AHostThatFloodsTheLinkCannotStopTheBoard()
    {
        var h = new Host();
        var rng = new Random(9);
        var junk = new byte[4096];
        for (int i = 0; i < 64; i++)
        {
            rng.NextBytes(junk);
            h.Port.HostWrite(junk, 0, junk.Length);
            h.Run(0.005);
        }
        Assert.True(h.Port.ReceiveOverruns > 0, "the flood overran the receive buffer");
        h.Run(0.2);
        h.Ask("*CLS", 0.05);
        Assert.StartsWith("PreampFirmware,", h.Ask("\n*IDN?"));
        h.Ask("SIM:SOUR1 SINE,1000,-40;:STR:STAR", 0.3);
        Assert.True(h.Blocks.Count > 20);
    }

    [Fact]
    public void AResetInTheMiddleOfAPhantomRampComesBackSafeAndRampsAgainMuted()
    {
        var first = new Host();
        first.Ask("INP1:GAIN 50;:INP1:PHAN ON", 0.4);                 // saved; the supply is mid-ramp
        Assert.True(first.Runner.Board.PhantomRelays[0].Contact);
        var flash = first.Runner.Board.Flash;

        // Watchdog reset: the ESP32 restarts; its pins (and so the phantom relay) drop at once.
        var runner = new SimRunner(new SimBoardOptions { Flash = flash });
        Assert.False(runner.Board.PhantomRelays[0].Coil);
        var h = new Host(runner: runner);
        h.Ask("STR:STAR", 0.02);
        h.Run(2.0);
        Assert.True(h.Runner.Board.PhantomRelays[0].Contact, "restored, with the same sequence");
        Assert.Equal("1", h.Ask("INP1:PHAN:SETT?"));
        double peak = 20 * Math.Log10(Math.Max(1, h.Ch1.Max(v => Math.Abs((double)v))) / 8388608.0);
        Assert.True(peak < -60, "stream peak during the restored ramp " + peak);
    }
}

public class LinkFaultTests
{
    [Fact]
    public void BytesLostOnTheWayToTheHostAreFoundAndTheTimelineKeepsItsLength()
    {
        var h = new Host();
        h.Port.SetDroppedBytes(2e-5, 4);
        h.Ask("SIM:SOUR1 SINE,1000,-30;:STR:STAR", 3.0);
        h.Ask("STR:STOP", 0.1);
        Assert.True(h.Port.DroppedBytes > 0);
        Assert.True(h.Timeline.LostFrames > 0, "lost frames counted");
        long last = h.Blocks.Max(b => b.Sequence);
        Assert.Equal((last + 1) * 64, h.Timeline.SamplesOut);
        Assert.Equal(h.Timeline.SamplesOut, h.Ch1.Count);
    }

    [Fact]
    public void CorruptCommandBytesGiveErrorsNeverACrashAndTheLinkRecovers()
    {
        var h = new Host();
        h.Port.SetInboundErrors(0.01, 6);
        for (int i = 0; i < 200; i++) h.Ask("INP1:GAIN " + (10 + i % 50) + ";:MEAS:LEV? 1", 0.01);
        Assert.True(h.Port.InboundBitErrors > 50);
        h.Port.SetInboundErrors(0, 0);
        h.Ask("*CLS", 0.05);
        Assert.StartsWith("PreampFirmware,", h.Ask("\n*IDN?"));
        h.Ask("INP1:GAIN 33");
        Assert.Equal("33", h.Ask("INP1:GAIN?"));
        Assert.True(h.Runner.Firmware.IsReady);
    }

    [Fact]
    public void APowerCutAtAnyStepOfAPresetWriteKeepsTheOldOrTheNewPreset()
    {
        var probe = new Host();
        int steps = probe.FlashStepsOf("*SAV 2", 0.05);
        Assert.True(steps >= 2);
        for (int cut = 0; cut < steps; cut++)
        {
            var h = new Host();
            h.Ask("INP1:GAIN 20;*SAV 2", 0.6);                       // old preset; the state write settles too
            h.Ask("INP1:GAIN 40", 0.6);
            h.Runner.Board.Flash.CutPowerAfterSteps = cut;
            h.Ask("*SAV 2", 0.05);
            var flash = h.Runner.Board.Flash;
            Assert.True(flash.PowerCut, "cut at " + cut);
            flash.Restore();
            var after = new Host(new SimBoardOptions { Flash = flash });
            after.Ask("*RCL 2", 0.1);
            string gain = after.Ask("INP1:GAIN?");
            Assert.True(gain is "20" or "40", "cut at step " + cut + ": preset gain " + gain);
            Assert.Equal("0,\"No error\"", after.Ask("SYST:ERR?"));
        }
    }
}
