// Faults while running: the converter's control bus fails or the chip stops, the sample loop falls behind, the host
// floods the link, the board resets in the middle of a phantom ramp. Each ends safe, and the device says what happened.
using System;
using System.Linq;
using System.Text;
using PreampFirmware.Control;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class FaultTests
{
    [Theory]
    [InlineData(MisoFault.StuckHigh, "(MISO stuck high?)")]
    [InlineData(MisoFault.StuckLow, "(MISO stuck low?)")]
    public void AStuckControlBusIsReportedWhileTheAudioKeepsFlowing(MisoFault fault, string hint)
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 30;:STR:STAR", 0.3);
        h.Runner.Board.AdcSpi.Miso = fault;
        h.Run(1.2);
        Assert.True(h.Runner.Firmware.Converter.Fault);
        string e = h.Ask("SYST:ERR?", 0.05);
        Assert.StartsWith("-240,\"Hardware error;PCM1863 is not running as configured", e);
        Assert.Contains(hint, e);
        Assert.Equal(0, h.Timeline.SilencedFrames);                        // the samples come by I2S, not over that bus
        Assert.True(h.Ch1.Skip(h.Ch1.Count - 1000).Max() > 100_000);
        h.Run(2.0);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));               // once per episode
        h.Runner.Board.AdcSpi.Miso = MisoFault.None;
        h.Run(1.2);
        Assert.False(h.Runner.Firmware.Converter.Fault, "the fault clears once the converter reads right again");
    }

    [Fact]
    public void AConverterThatStopsIsReportedWithinASecond()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 30;:STR:STAR", 0.3);
        h.Runner.Board.Adc.Stopped = true;                                 // supply or PLL lost
        h.Run(1.2);
        Assert.True(h.Runner.Firmware.Converter.Fault);
        Assert.StartsWith("-240,\"Hardware error;PCM1863 is not running as configured: DEVICE_STATUS 0x00", h.Ask("SYST:ERR?"));
        Assert.True(h.Ch1.Skip(h.Ch1.Count - 10_000).All(v => v == 0), "a stopped converter sends silence");
        Assert.Equal("0,0,0", h.Ask("SIM:REL? 1"));
        h.Runner.Board.Adc.Stopped = false;
        h.Run(1.2);
        Assert.False(h.Runner.Firmware.Converter.Fault);
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
        Assert.True(h.Runner.Firmware.GainChainWatch.Fault);
        Assert.InRange(h.Runner.Firmware.Gain.Writes - writes, 1, 2);   // one heartbeat a second, the same words
        Assert.Equal(30, h.Runner.Board.Pga.GainDb(0));
        string err = h.Ask("SYST:ERR?");
        Assert.StartsWith("-240,\"Hardware error;PGA2500 chain stopped answering: loop-back read 0x0000 0x0000, expected 0x", err);
        Assert.Contains("(MISO stuck low?)", err);
        h.Run(2.0);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));   // reported once per episode
        h.Runner.Board.GainSpi.Miso = MisoFault.None;
        h.Run(2.2);
        Assert.False(h.Runner.Firmware.GainChainWatch.Fault);
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
        Assert.False(h.Runner.Firmware.GainChainWatch.Fault);
        Assert.Equal(0, h.Runner.Firmware.Gain.LoopBackFailures);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void ASampleLoopTooSlowForTheRateLosesBuffersAndTheHostFillsExactlyThoseFrames()
    {
        // 32 ms of processor time per 21.3 ms block: the loop falls behind and the DMA drops buffers, silently.
        var h = new Host(runner: new SimRunner { BlockServiceMicroseconds = 32000 });
        h.Ask("SIM:SOUR1 SINE,1000,-30;:STR:RATE 48000", 0.3);
        h.Ask("STR:STAR", 2.0);
        long streamStart = h.Runner.Firmware.Loop.StreamStartMicroseconds;
        string stats = h.Ask("STR:STAT?", 0.2);                                  // a slow loop answers late too
        h.Ask("STR:STOP", 0.2);
        var last = h.Blocks[^1];
        var drops = h.Runner.Board.Audio.DropTimesUs;
        long dropped = drops.Count(t => t > streamStart && t <= last.TimestampUs) * 256L;
        Assert.True(dropped > 20_000, "the DMA dropped " + dropped + " frames");
        Assert.Equal(dropped, h.Timeline.ConverterLostFrames);                   // every dropped frame announced, no more
        Assert.Equal(dropped, h.Timeline.SilencedFrames);                        // and filled, nothing else lost
        Assert.Equal((long)last.FirstFrame + Preamp.FramesPerBlock, h.Timeline.FramesOut);   // the file keeps its length
        Assert.Equal(h.Timeline.FramesOut, h.Ch1.Count);
        double seconds = (last.TimestampUs - streamStart) / 1e6;
        Assert.InRange(h.Timeline.FramesOut, seconds * 48000 - 2 * Preamp.FramesPerBlock, seconds * 48000 + 2 * Preamp.FramesPerBlock);
        // The tone carries on where it belongs after a gap: a 1 kHz sine at 48 kHz repeats every 48 frames.
        int index = h.Blocks.FindIndex(1, b => (b.Flags & 1) != 0);   // a gap after a block that came
        var fill = h.Blocks[index];
        var before = h.Blocks[index - 1];
        Assert.True(fill.FirstFrame > before.FirstFrame + Preamp.FramesPerBlock, "a gap");
        int at = (int)fill.FirstFrame + 100;
        int then = at - 48 * ((at - ((int)before.FirstFrame + 10)) / 48);             // a whole number of periods earlier, before the gap
        Assert.InRange(then, (int)before.FirstFrame + 10, (int)before.FirstFrame + 60);
        Assert.True(Math.Abs(h.Ch1[at] - h.Ch1[then]) < 2000, "phase continuous across the gap: " + h.Ch1[at] + " vs " + h.Ch1[then]);
        double actual = double.Parse(stats.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(actual, 25_000, 40_000);                                  // the device says how fast it really reads
        string err = h.Ask("SYST:ERR?", 0.2);
        Assert.StartsWith("-300,\"Device-specific error;the sample loop fell behind: the converter's DMA dropped", err);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?", 0.2));              // once per stream
    }

    [Fact]
    public void ASampleLoopFastEnoughForTheRateLosesNothing()
    {
        var h = new Host(runner: new SimRunner { BlockServiceMicroseconds = 12000 });   // 12 ms per 21.3 ms block
        h.Ask("SIM:SOUR1 SINE,1000,-30;:STR:RATE 48000;:STR:STAR", 2.0);
        h.Ask("STR:STOP");
        Assert.True(h.Timeline.FramesOut > 90_000);
        Assert.Equal(0, h.Timeline.SilencedFrames);
        Assert.Equal(0, h.Runner.Board.Audio.BuffersDropped);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void AControlTickThatStallsLongerThanTheDmaRingLosesOnlyWhatItMustAndSaysSo()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-30;:STR:RATE 48000;:STR:STAR", 0.5);
        h.Runner.TickServiceMicroseconds = 120_000;                             // one tick as slow as a long flash erase
        h.Run(0.01);
        h.Runner.TickServiceMicroseconds = 0;
        h.Run(0.5);
        h.Ask("STR:STOP");
        long dropped = h.Runner.Board.Audio.FramesDropped;
        // 120 ms against an 85 ms ring that already holds up to a block and one wake of the loop (about 31 ms).
        Assert.InRange(dropped, 7 * 256, 15 * 256);
        Assert.Equal(dropped, h.Timeline.ConverterLostFrames);
        Assert.Equal(dropped, h.Timeline.SilencedFrames);
        Assert.StartsWith("-300,", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void AHostThatFloodsTheLinkCannotStopTheBoard()
    {
        var h = new Host();
        var rng = new Random(9);
        var junk = new byte[4096];
        var queries = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*IDN?\n", 700)));
        for (int i = 0; i < 64; i++)
        {
            rng.NextBytes(junk);
            h.Port.HostWrite(junk, 0, junk.Length);
            h.Port.HostWrite(queries, 0, queries.Length);       // answers hold the board's loop; the input piles up
            h.Run(0.005);
        }
        h.Run(2.0);
        Assert.True(h.Port.ReceiveOverruns > 0, "the flood overran the receive buffer");
        h.Run(0.2);
        h.Ask("*CLS", 0.05);
        Assert.StartsWith("PreampFirmware,", h.Ask("\n*IDN?"));    // the LF ends the junk's last partial line
        Assert.Equal(h.Port.ReceiveOverruns.ToString(), h.Ask("SYST:COMM:OVER?"));
        h.Ask("SIM:SOUR1 SINE,1000,-40;:STR:STAR", 0.3);
        Assert.True(h.Blocks.Count > 10);                           // 0.3 s: 14 blocks
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
        Assert.True(h.Timeline.MissingBlocks + h.Timeline.DamagedBlocks > 0, "lost blocks counted");
        Assert.Equal(h.Timeline.SilencedFrames, h.Timeline.MissingBlockFrames + h.Timeline.DamagedBlockFrames);
        long last = h.Blocks.Max(b => (long)b.FirstFrame);
        Assert.Equal(last + Preamp.FramesPerBlock, h.Timeline.FramesOut);
        Assert.Equal(h.Timeline.FramesOut, h.Ch1.Count);
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
        static byte[] Preset(Host h) => Persist.Stored(h.Runner.Board.Flash, ChannelSettings.PresetFile(2), ChannelSettings.PresetTag(2), ChannelSettings.Version);
        var probe = new Host();
        probe.Ask("INP1:GAIN 20;:INP2:POL INV;*SAV 2", 0.6);
        byte[] before = Preset(probe);
        probe.Ask("INP1:GAIN 40;:INP2:POL NORM;:INP1:PAD ON", 0.6);
        int steps = probe.FlashStepsOf("*SAV 2", 0.05);
        byte[] after = Preset(probe);
        Assert.True(steps >= 2);
        Assert.NotEqual(before, after);
        for (int cut = 0; cut < steps; cut++)
        {
            var h = new Host();
            h.Ask("INP1:GAIN 20;:INP2:POL INV;*SAV 2", 0.6);            // old preset; the state write settles too
            h.Ask("INP1:GAIN 40;:INP2:POL NORM;:INP1:PAD ON", 0.6);
            h.Runner.Board.Flash.CutPowerAfterSteps = cut;
            h.Ask("*SAV 2", 0.05);                                      // cut at step `cut`: the board reboots
            Assert.Equal(1, h.Runner.Board.PowerCycles);
            byte[] stored = Preset(h);
            Assert.True(stored.SequenceEqual(before) || stored.SequenceEqual(after), "cut at step " + cut + ": " + Convert.ToHexString(stored));
            h.Ask("*RCL 2", 0.1);
            Assert.Equal(stored[2].ToString(), h.Ask("INP1:GAIN?"));
            Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
        }
    }
}
