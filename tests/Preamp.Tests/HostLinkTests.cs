// The host link end to end in process: firmware on the simulated board, a paced port, the host decoder and timeline.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using PreampFirmware.Client;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class HostLinkTests
{
    private static double RmsDb(IEnumerable<int> samples)
    {
        var a = samples.Select(v => v / 8388608.0).ToArray();
        return 10 * Math.Log10(a.Sum(x => x * x) / a.Length);
    }

    [Fact]
    public void IdnHasFourFieldsAndOpcAnswersOne()
    {
        var h = new Host();
        Assert.Equal(4, h.Ask("*IDN?").Split(',').Length);
        Assert.Equal("1", h.Ask("*OPC?"));
        Assert.Equal("0", h.Ask("*TST?"));
    }

    [Fact]
    public void StreamCarriesTheTonesAt48kWithEveryBlockChecked()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:SIM:SOUR2 SINE,250,-30;:INP1:GAIN 30;:INP2:GAIN 20;:STR:RATE 48000", 0.5);
        h.Ask("STR:STAR", 1.0);
        h.Ask("STR:STOP");
        Assert.True(h.Blocks.Count >= 45, "blocks: " + h.Blocks.Count);   // 46.9 blocks of 1024 frames a second
        Assert.All(h.Blocks, b => Assert.False(b.Damaged));
        Assert.False(h.Timeline.AnyLoss);
        Assert.Equal(h.Blocks.Sum(b => b.Frames), h.Ch1.Count);
        Assert.Equal(Enumerable.Range(0, h.Blocks.Count).Select(i => (uint)(i * Preamp.FramesPerBlock)), h.Blocks.Select(b => b.FirstFrame));
        // −40 dBu at 30 dB: −10 dBu at the PGA output; full scale is a 4.2 Vrms sine (+14.68 dBu): −24.68 dBFS peak, −27.69 RMS.
        Assert.InRange(RmsDb(h.Ch1.Skip(4800)), -27.77, -27.61);
        Assert.InRange(RmsDb(h.Ch2.Skip(4800)), -27.77, -27.61);
        Assert.All(h.Blocks.Skip(2), b => { Assert.Equal(30, b.Gain1); Assert.Equal(20, b.Gain2); Assert.Equal(48000, b.Rate); });
        // A 1 kHz tone changes sign twice per 48 samples: check it is 1 kHz, not an alias.
        int n = h.Ch1.Count - 4801;
        int crossings = h.Ch1.Skip(4800).Take(n).Zip(h.Ch1.Skip(4801).Take(n), (a, b) => (a < 0) != (b < 0) ? 1 : 0).Sum();
        Assert.InRange(crossings, n / 24 - 3, n / 24 + 3);
        string stat = h.Ask("STR:STAT?");
        Assert.True(stat.Split(',').Length == 5, "STR:STAT? answered '" + stat + "'");
        Assert.InRange(double.Parse(stat.Split(',')[2]), 47_900.0, 48_100.0);
        Assert.Equal("0,0", string.Join(",", stat.Split(',').Skip(3)));
    }

    [Fact]
    public void FortyFourOneIsAStreamRateToo()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 30;:STR:RATE 44100", 0.5);
        Assert.Equal("44100", h.Ask("STR:RATE?"));
        h.Ask("STR:STAR", 1.0);
        h.Ask("STR:STOP");
        Assert.False(h.Timeline.AnyLoss);
        Assert.All(h.Blocks, b => Assert.Equal(44100, b.Rate));
        Assert.InRange(RmsDb(h.Ch1.Skip(4410)), -27.77, -27.61);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));
    }

    [Fact]
    public void MeasureLevelAgreesWithTheStreamAndSeesTenDbOfGain()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 30");
        h.Run(0.5);
        var at30 = h.Ask("MEAS:LEV? 1").Split(',').Select(double.Parse).ToArray();
        h.Ask("INP1:GAIN 40");
        h.Run(0.5);
        var at40 = h.Ask("MEAS:LEV? 1").Split(',').Select(double.Parse).ToArray();
        Assert.InRange(at30[1], -27.9, -27.5);
        Assert.InRange(at40[1] - at30[1], 9.9, 10.1);
        Assert.InRange(at30[2], -40.2, -39.8);     // dBu at the input, from nominal scaling
        Assert.InRange(at40[2], -40.2, -39.8);
        Assert.True(at30[0] > at30[1], "peak above RMS");
    }

    [Fact]
    public void RateTheLinkCannotCarryIsRefusedWithItsMaximum()
    {
        var h = new Host(baud: 2_000_000);
        h.Ask("STR:RATE 48000");
        string e = h.Ask("SYST:ERR?");
        Assert.StartsWith("-222,", e);
        Assert.Contains("at most 16000 S/s (2000000 baud)", e);
        Assert.Equal("16000", h.Ask("STR:RATE:MAX?"));
        Assert.Equal("48000", h.Ask("STR:RATE?"));   // nothing changed
        h.Ask("STR:RATE 22050");
        Assert.Contains("rate must be one of 16000, 32000, 44100, 48000, 88200, 96000", h.Ask("SYST:ERR?"));
        var slow = new Host(baud: 921_600);
        Assert.Equal("0", slow.Ask("STR:RATE:MAX?"));
        slow.Ask("STR:RATE 16000");
        Assert.Contains("this link (921600 baud) cannot stream at any rate", slow.Ask("SYST:ERR?"));
    }

    [Fact]
    public void DamagedBytesAreFoundAndTheTimelineKeepsItsLength()
    {
        var h = new Host();
        h.Port.SetLinkErrors(2e-5, 5);
        h.Ask("SIM:SOUR1 SINE,1000,-20;:INP1:GAIN 10");
        h.Ask("STR:STAR", 2.0);
        h.Ask("STR:STOP");
        Assert.True(h.Port.BitErrors > 50, "bit errors: " + h.Port.BitErrors);
        Assert.True(h.Timeline.DamagedBlocks + h.Timeline.MissingBlocks > 0);
        long last = h.Blocks.Max(b => (long)b.FirstFrame);
        Assert.Equal(last + Preamp.FramesPerBlock, h.Timeline.FramesOut);   // every block's place is kept, lost or not
        Assert.Equal(h.Timeline.FramesOut, h.Ch1.Count);
        Assert.Equal(h.Timeline.SilencedFrames, h.Timeline.DamagedBlockFrames + h.Timeline.MissingBlockFrames);
    }

    [Fact]
    public void FramesTheDeviceCannotSendAreDroppedCountedAndFilled()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:STR:RATE 48000", 0.3);
        h.Ask("STR:STAR", 0.3);
        h.Port.Baud = 2_000_000;               // the link slows down under a running stream
        h.Run(1.0);
        h.Port.Baud = 4_000_000;
        h.Run(0.5);
        string stats = h.Ask("STR:STAT?", 0.5);
        h.Ask("STR:STOP");
        long dropped = long.Parse(stats.Split(',')[4]);
        // 2 Mbaud carries 69 % of the stream: a second of it drops whole blocks, once the rings have filled.
        Assert.True(dropped >= 5 * Preamp.FramesPerBlock, stats);
        Assert.Equal(h.Timeline.LinkDroppedFrames, h.Timeline.SilencedFrames);
        Assert.Equal(dropped, h.Timeline.LinkDroppedFrames);
        Assert.True(h.Blocks.Any(b => (b.Flags & 1) != 0), "a block says frames were dropped before it");
        long last = h.Blocks.Max(b => (long)b.FirstFrame);
        Assert.Equal(last + Preamp.FramesPerBlock, h.Timeline.FramesOut);
        Assert.Equal(0, h.Runner.Firmware.Stream.FramesLostByConverter);
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));   // the link was slow, not the sample loop
    }

    [Fact]
    public void StreamOwnedByOneSessionIsRefusedToAnother()
    {
        var h = new Host();
        var other = h.Runner.OpenPort(out var otherSession);
        h.Ask("STR:STAR");
        var line = Encoding.ASCII.GetBytes("STR:STAR\nSYST:ERR?\n");
        other.HostWrite(line, 0, line.Length);
        h.Run(0.05);
        var buf = new byte[256];
        int n = other.HostRead(buf, 0, buf.Length);
        Assert.StartsWith("-221,", Encoding.ASCII.GetString(buf, 0, n));
        h.Runner.ClosePort(otherSession);
    }

    [Fact]
    public void ASessionOpenedAfterABootFaultSeesTheConditionAndTheSelfTestSaysWhy()
    {
        var runner = new SimRunner(new SimBoardOptions());
        runner.Board.AdcSpi.Miso = MisoFault.StuckHigh;
        runner.Firmware.Boot();
        var port = runner.OpenPort(out _);
        var q = Encoding.ASCII.GetBytes("SYST:ERR?\nSYST:COND?\n*TST?\nSYST:ERR?\nSTR:STAR\nSYST:ERR?\n");
        port.HostWrite(q, 0, q.Length);
        runner.RunFor(0.1);
        var buf = new byte[1024];
        var lines = Encoding.ASCII.GetString(buf, 0, port.HostRead(buf, 0, buf.Length)).Split('\n');
        Assert.Equal("0,\"No error\"", lines[0]);              // the boot's error went to the sessions open then
        Assert.Equal("SELFTEST", lines[1]);
        Assert.Equal("2", lines[2]);
        Assert.StartsWith("-330,\"Self-test failed;PCM1863", lines[3]);
        Assert.Contains("MISO stuck high", lines[3]);
        Assert.StartsWith("-240,", lines[4]);
    }
}

public class CommandTreeTests
{
    [Fact]
    public void EveryHeaderOfTheFirmwareAndSimulatorTreeIsUnambiguous()
    {
        var runner = new SimRunner();
        Assert.True(runner.Firmware.Hosts.Commands.Count > 25);
        Assert.Null(runner.Firmware.Hosts.Commands.FindAmbiguity());
    }

    [Fact]
    public void AmbiguousHeadersAreFound()
    {
        var t = new PreampFirmware.Scpi.ScpiCommandTable();
        t.Add("STReam:STATe?", c => { });
        t.Add("STReam:STATistics?", c => { });
        Assert.Equal("STREAM:STATE? and STREAM:STATISTICS?", t.FindAmbiguity());
    }
}

public class BlockCheckTests
{
    /// <summary>Consecutive real blocks from the stream, as the device sent them.</summary>
    internal static List<byte[]> CapturedBlocks(int count)
    {
        var runner = new SimRunner();
        var port = runner.OpenPort(out _);
        var cmd = Encoding.ASCII.GetBytes("SIM:SOUR1 SINE,1000,-20;:SIM:SOUR2 NOISE,-40;:INP2:GAIN 40;:STR:STAR\n");
        port.HostWrite(cmd, 0, cmd.Length);
        runner.RunFor(0.1 + (count + 2) * 0.0214);
        var buf = new byte[1 << 17];
        int n = port.HostRead(buf, 0, buf.Length);
        int length = PreampFirmware.Streaming.StreamBlock.Bytes(Preamp.FramesPerBlock);
        var blocks = new List<byte[]>();
        for (int at = 2 * length; blocks.Count < count; at += length)   // past the first blocks, whose tone was just switched on
        {
            Assert.True(at + length <= n && buf[at] == 0xA5, "whole blocks arrived");
            blocks.Add(buf.AsSpan(at, length).ToArray());
        }
        return blocks;
    }

    internal static List<SampleBlock> DecodeAll(byte[] bytes)
    {
        var got = new List<SampleBlock>();
        var d = new StreamDecoder();
        d.Block += got.Add;
        d.Feed(bytes, 0, bytes.Length);
        return got;
    }

    private static SampleBlock Decode(byte[] block)
    {
        var got = DecodeAll(block);
        Assert.Single(got);
        return got[0];
    }

    [Fact]
    public void ABlockIsSixBytesAFramePlusFiftyBytesOfHeaderAndChecks()
    {
        var block = CapturedBlocks(1)[0];
        Assert.Equal(46 + 1024 * 6 + 4, block.Length);
        Assert.True(1024 * 6.0 / block.Length >= 0.99, "sample bytes / wire bytes = " + 1024 * 6.0 / block.Length);
        var b = Decode(block);
        Assert.False(b.Damaged);
        Assert.Contains(b.Samples[1], v => v != 0);
    }

    [Theory]
    [InlineData(700, true)]    // in the samples: this block is damaged, the next one found inside its span
    [InlineData(6193, true)]   // the block CRC's last byte
    [InlineData(10, false)]    // in the header: the header's own CRC fails, the block is missing, the next is found
    public void ALostByteCostsOneBlockNotTwo(int lostAt, bool seenDamaged)
    {
        var blocks = CapturedBlocks(3);
        var bytes = new List<byte>();
        bytes.AddRange(blocks[0].Where((_, i) => i != lostAt));
        bytes.AddRange(blocks[1]);
        bytes.AddRange(blocks[2]);
        var got = DecodeAll(bytes.ToArray());
        uint s0 = Decode(blocks[0]).Sequence;
        Assert.Equal(seenDamaged ? new[] { s0, s0 + 1, s0 + 2 } : new[] { s0 + 1, s0 + 2 }, got.Select(b => b.Sequence).ToArray());
        if (seenDamaged) Assert.True(got[0].Damaged);
        Assert.All(got.Where(b => b.Sequence > s0), b => Assert.False(b.Damaged));
        Assert.Equal(Decode(blocks[1]).Samples[1], got.First(b => b.Sequence == s0 + 1).Samples[1]);
        // Placed on a timeline, the lost block is silence of one block's length and the rest keeps its place.
        var timeline = new SampleTimeline();
        got.ForEach(timeline.Accept);
        long first = Decode(blocks[0]).FirstFrame;
        Assert.Equal(first + 3 * Preamp.FramesPerBlock, timeline.FramesOut);
        Assert.Equal(first + Preamp.FramesPerBlock, timeline.SilencedFrames);
    }

    [Fact]
    public void EverySingleBitErrorInTheSamplesOrTheBlockCheckIsDetected()
    {
        var two = CapturedBlocks(2);
        byte[] block = two[0];
        for (int i = 46; i < block.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])block.Clone();
                damaged[i] ^= (byte)(1 << bit);
                var got = DecodeAll(damaged.Concat(two[1]).ToArray());   // the stream goes on after the damaged block
                Assert.Equal(2, got.Count);
                Assert.False(got[1].Damaged);
                var b = got[0];
                Assert.True(b.Damaged, "byte " + i + " bit " + bit + " went unnoticed");
                Assert.All(b.Samples[0], v => Assert.Equal(0, v));
                Assert.Equal(Decode(block).Sequence, b.Sequence);   // the header, checked by its own CRC, still places it
            }
        }
    }

    [Fact]
    public void EverySingleBitErrorInTheHeaderMakesTheHeaderUnusable()
    {
        byte[] block = CapturedBlocks(1)[0];
        for (int i = 0; i < 46; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])block.Clone();
                damaged[i] ^= (byte)(1 << bit);
                Assert.True(DecodeAll(damaged).Count == 0, "header byte " + i + " bit " + bit + " was believed");
            }
        }
    }

    [Fact]
    public void TwoFramesSwappedOrAllOnesOrAllZerosAreDetected()
    {
        byte[] block = CapturedBlocks(1)[0];
        var swapped = (byte[])block.Clone();
        Array.Copy(block, 46 + 6 * 10, swapped, 46 + 6 * 40, 6);
        Array.Copy(block, 46 + 6 * 40, swapped, 46 + 6 * 10, 6);
        Assert.True(Decode(swapped).Damaged);
        var ones = (byte[])block.Clone();
        for (int i = 46; i < ones.Length; i++) ones[i] = 0xFF;
        Assert.True(Decode(ones).Damaged);
        var zeros = (byte[])block.Clone();
        for (int i = 46; i < zeros.Length; i++) zeros[i] = 0x00;
        Assert.True(Decode(zeros).Damaged);
    }

    /// <summary>
    /// A block whose sync byte was damaged reads as text; line ends among its samples with printable bytes between them
    /// are not answers. Only the real answer after the next good block comes out, so a query never reads samples.
    /// </summary>
    [Fact]
    public void LinesInsideABlockWhoseHeaderWasDamagedAreNotAnswers()
    {
        var blocks = CapturedBlocks(3);
        var hit = (byte[])blocks[1].Clone();
        hit[0] ^= 0x01;                                       // the sync byte: the whole block reads as text
        byte[] junk = Encoding.ASCII.GetBytes("\n1\n\n0,\"No error\"\n");
        Array.Copy(junk, 0, hit, 46 + 600, junk.Length);     // samples that happen to look like answers
        var bytes = new List<byte>();
        bytes.AddRange(blocks[0]);
        bytes.AddRange(Encoding.ASCII.GetBytes("1\n"));     // a real answer between blocks
        bytes.AddRange(hit);
        bytes.AddRange(blocks[2]);
        bytes.AddRange(Encoding.ASCII.GetBytes("0\n"));     // and one after the damaged block
        var d = new StreamDecoder();
        var lines = new List<string>();
        var got = new List<SampleBlock>();
        d.Line += lines.Add;
        d.Block += got.Add;
        foreach (byte b in bytes) d.Feed(new[] { b }, 0, 1);   // byte by byte, as a slow link delivers them
        Assert.Equal(new[] { "1", "0" }, lines);
        Assert.Equal(2, got.Count);
        Assert.True(d.DroppedLines >= 3);
    }

    /// <summary>Damaged bytes before a good block do not spoil the answer that follows that block.</summary>
    [Fact]
    public void AnAnswerAfterAGoodBlockIsNotBlamedForDamageBeforeIt()
    {
        var blocks = CapturedBlocks(2);
        var bytes = new List<byte>();
        bytes.AddRange(blocks[0]);
        bytes.AddRange(new byte[] { 0xA4, 0x5A, 0x02, 0x01 });   // what is left of a block whose start was lost
        bytes.AddRange(blocks[1]);
        bytes.AddRange(Encoding.ASCII.GetBytes("1\n"));
        var d = new StreamDecoder();
        var lines = new List<string>();
        d.Line += lines.Add;
        d.Feed(bytes.ToArray(), 0, bytes.Count);
        Assert.Equal(new[] { "1" }, lines);
    }
}
