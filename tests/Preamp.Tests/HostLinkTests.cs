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
    public void StreamCarriesTheToneWithEveryRecordChecked()
    {
        var h = new Host();
        h.Ask("STR:FORM CHEC;:SIM:SOUR1 SINE,1000,-40;:SIM:SOUR2 SINE,250,-30;:INP1:GAIN 30;:INP2:GAIN 20;:STR:RATE 8000");
        h.Ask("STR:STAR", 1.0);
        h.Ask("STR:STOP");
        Assert.True(h.Blocks.Count >= 120, "blocks: " + h.Blocks.Count);
        Assert.All(h.Blocks, b => Assert.Equal(0, b.CorruptRecords));
        Assert.Equal(0, h.Timeline.LostFrames);
        Assert.Equal(0, h.Timeline.MissedConversions);
        Assert.Equal(h.Blocks.Sum(b => b.Frames), h.Ch1.Count);
        // −40 dBu at 30 dB: −10 dBu at the PGA output, full scale = +18 dBu sine → −28 dBFS peak, −31.01 dBFS RMS.
        Assert.InRange(RmsDb(h.Ch1.Skip(800)), -31.06, -30.96);
        Assert.InRange(RmsDb(h.Ch2.Skip(800)), -31.06, -30.96);
        Assert.All(h.Blocks.Skip(2), b => { Assert.Equal(30, b.Gain1); Assert.Equal(20, b.Gain2); Assert.Equal(8000, b.Rate); });
        // A 1 kHz tone changes sign twice per 8 samples: check it is 1 kHz, not an alias.
        int n = h.Ch1.Count - 801;
        int crossings = h.Ch1.Skip(800).Take(n).Zip(h.Ch1.Skip(801).Take(n), (a, b) => (a < 0) != (b < 0) ? 1 : 0).Sum();
        Assert.InRange(crossings, n / 4 - 3, n / 4 + 3);
        string stat = h.Ask("STR:STAT?");
        Assert.True(stat.Split(',').Length == 3, "STR:STAT? answered '" + stat + "'");
        Assert.InRange(double.Parse(stat.Split(',')[2]), 7999.0, 8001.0);
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
        Assert.InRange(at30[1], -31.2, -30.8);
        Assert.InRange(at40[1] - at30[1], 9.9, 10.1);
        Assert.InRange(at30[2], -40.2, -39.8);     // dBu at the input, from nominal scaling
        Assert.InRange(at40[2], -40.2, -39.8);
        Assert.True(at30[0] > at30[1], "peak above RMS");
    }

    [Fact]
    public void RateTheLinkCannotCarryIsRefusedWithItsMaximum()
    {
        var h = new Host(baud: 115200);
        h.Ask("STR:RATE 8000");
        string e = h.Ask("SYST:ERR?");
        Assert.StartsWith("-222,", e);
        Assert.Contains("at most 1000 S/s", e);
        Assert.Equal("1000", h.Ask("STR:RATE:MAX?"));
    }

    [Fact]
    public void DamagedBytesAreFoundAndTheTimelineKeepsItsLength()
    {
        var h = new Host();
        h.Port.SetLinkErrors(1e-4, 5);
        h.Ask("SIM:SOUR1 SINE,1000,-20;:INP1:GAIN 10");
        h.Ask("STR:STAR", 2.0);
        h.Ask("STR:STOP");
        Assert.True(h.Port.BitErrors > 50, "bit errors: " + h.Port.BitErrors);
        Assert.True(h.Timeline.LostFrames > 0);
        long last = h.Blocks.Max(b => b.Sequence);
        Assert.Equal((last + 1) * 64, h.Timeline.SamplesOut);   // every block's place is kept, lost or not
        Assert.Equal(h.Timeline.SamplesOut, h.Ch1.Count);
    }

    [Fact]
    public void FramesTheDeviceCannotSendAreDroppedCountedAndFilled()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:STR:RATE 8000");
        h.Ask("STR:STAR", 0.3);
        h.Port.Baud = 230400;                  // the link slows down under a running stream
        h.Run(1.0);
        h.Port.Baud = 921600;
        h.Run(0.5);
        string stats = h.Ask("STR:STAT?", 0.5);
        h.Ask("STR:STOP");
        long dropped = long.Parse(stats.Split(',')[1]);
        Assert.True(dropped > 1000, stats);
        Assert.True(h.Timeline.DeviceDroppedSamples > 0);
        Assert.True(h.Blocks.Any(b => (b.Flags & 1) != 0), "a block says frames were dropped before it");
        long last = h.Blocks.Max(b => b.Sequence);
        Assert.Equal((last + 1) * 64 + h.Blocks.Max(b => (long)b.DeviceDropped), h.Timeline.SamplesOut);
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
    public void BootFaultsReachEverySessionOpenedLater()
    {
        var runner = new SimRunner(new SimBoardOptions());
        runner.Board.AdcSpi.Miso = MisoFault.StuckHigh;
        runner.Firmware.Boot();
        var port = runner.OpenPort(out _);
        var q = Encoding.ASCII.GetBytes("*TST?\nSYST:ERR?\nSTR:STAR\nSYST:ERR?\n");
        port.HostWrite(q, 0, q.Length);
        runner.RunFor(0.1);
        var buf = new byte[1024];
        var lines = Encoding.ASCII.GetString(buf, 0, port.HostRead(buf, 0, buf.Length)).Split('\n');
        Assert.Equal("2", lines[0]);
        Assert.StartsWith("-330,\"Self-test failed;ADS131M02", lines[1]);
        Assert.Contains("MISO stuck high", lines[1]);
    }
}

public class CommandTreeTests
{
    [Fact]
    public void EveryHeaderOfTheFirmwareAndSimulatorTreeIsUnambiguous()
    {
        var runner = new SimRunner();
        Assert.True(runner.Firmware.Commands.Count > 25);
        Assert.Null(runner.Firmware.Commands.FindAmbiguity());
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

public class PackedLayoutTests
{
    [Fact]
    public void PackedIsTheDefaultAndCarriesTheToneInSixBytesPerFrame()
    {
        var h = new Host();
        Assert.Equal("PACK", h.Ask("STR:FORM?"));
        h.Ask("STR:FORM CHEC;*RST");
        Assert.Equal("PACK", h.Ask("STR:FORM?"));
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 30");
        h.Ask("STR:STAR", 1.0);
        h.Ask("STR:FORM CHEC");
        Assert.StartsWith("-221,", h.Ask("SYST:ERR?"));
        h.Ask("STR:STOP");
        Assert.True(h.Blocks.Count > 100);
        Assert.All(h.Blocks, b => Assert.Equal(0, b.CorruptRecords));
        Assert.Equal(0, h.Timeline.LostFrames);
        var tone = h.Ch1.Skip(800).Select(v => v / 8388608.0).ToArray();
        Assert.InRange(10 * Math.Log10(tone.Sum(x => x * x) / tone.Length), -31.06, -30.96);
        int bytes = PreampFirmware.Streaming.SampleStream.BlockBytes(64, PreampFirmware.Streaming.SampleStream.LayoutPacked);
        Assert.Equal(31 + 64 * 6 + 4, bytes);
        Assert.True(64 * 6.0 / bytes >= 0.90, "sample bytes / wire bytes = " + 64 * 6.0 / bytes);
    }

    [Fact]
    public void PackedFramesLetA3MbaudLinkCarry32kSs()
    {
        var h = new Host(baud: 3_000_000);
        Assert.Equal("32000", h.Ask("STR:RATE:MAX?"));
        h.Ask("STR:FORM CHEC");
        Assert.Equal("16000", h.Ask("STR:RATE:MAX?"));
        h.Ask("STR:FORM PACK;:STR:RATE 32000;:STR:STAR", 1.0);
        h.Ask("STR:STOP");
        Assert.Equal(0, h.Timeline.LostFrames);
        Assert.True(h.Ch1.Count > 30000);
    }

    [Fact]
    public void DamageOnTheLinkSilencesTheWholePackedBlockAndIsCounted()
    {
        var h = new Host();
        h.Port.SetLinkErrors(2e-4, 3);
        h.Ask("SIM:SOUR1 SINE,1000,-20;:STR:STAR", 2.0);
        h.Ask("STR:STOP");
        var damaged = h.Blocks.Where(b => b.CorruptRecords > 0).ToList();
        Assert.NotEmpty(damaged);
        Assert.All(damaged, b => Assert.Equal(b.Frames, b.CorruptRecords));
        long last = h.Blocks.Max(b => b.Sequence);
        Assert.Equal((last + 1) * 64, h.Timeline.SamplesOut);
    }

    /// <summary>Consecutive real blocks from the stream in <paramref name="format"/>, as the device sent them.</summary>
    internal static List<byte[]> CapturedBlocks(string format, int count)
    {
        var runner = new SimRunner();
        var port = runner.OpenPort(out _);
        var cmd = Encoding.ASCII.GetBytes("STR:FORM " + format + ";:SIM:SOUR1 SINE,1000,-20;:SIM:SOUR2 NOISE,-40;:INP2:GAIN 40;:STR:STAR\n");
        port.HostWrite(cmd, 0, cmd.Length);
        runner.RunFor(0.01 + count * 0.008);
        var buf = new byte[1 << 16];
        int n = port.HostRead(buf, 0, buf.Length);
        int length = format == "PACK" ? 31 + 64 * 6 + 4 : 31 + 64 * 9;
        var blocks = new List<byte[]>();
        for (int at = 0; blocks.Count < count; at += length)
        {
            Assert.True(at + length <= n && buf[at] == 0xA5, "whole blocks arrived");
            blocks.Add(buf.AsSpan(at, length).ToArray());
        }
        return blocks;
    }

    /// <summary>A real PACKED block (header, records, folded CRCs).</summary>
    private static byte[] CapturedBlock() => CapturedBlocks("PACK", 1)[0];

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

    [Theory]
    [InlineData("PACK", 200, 64)]
    [InlineData("PACK", 418, 64)]
    [InlineData("CHEC", 300, 35)]   // records are newest first: byte 300 is in record 29, so records 29…63 are off
    [InlineData("CHEC", 606, 1)]    // the oldest record's pad byte: it takes the next block's sync byte in its place
    public void ALostByteCostsOneBlockNotTwo(string format, int lostAt, int damagedFrames)
    {
        var blocks = CapturedBlocks(format, 3);
        var bytes = new List<byte>();
        bytes.AddRange(blocks[0].Where((_, i) => i != lostAt));
        bytes.AddRange(blocks[1]);
        bytes.AddRange(blocks[2]);
        var got = DecodeAll(bytes.ToArray());
        Assert.Equal(3, got.Count);
        Assert.Equal(damagedFrames, got[0].CorruptRecords);
        Assert.Equal(new uint[] { 0, 1, 2 }, got.Select(b => b.Sequence).ToArray());
        Assert.All(got.Skip(1), b => Assert.Equal(0, b.CorruptRecords));
        Assert.Equal(Decode(blocks[1]).Samples[1], got[1].Samples[1]);
    }

    [Fact]
    public void EverySingleBitErrorInTheRecordsOrTheFoldIsDetected()
    {
        byte[] block = CapturedBlock();
        Assert.Equal(0, Decode(block).CorruptRecords);
        Assert.Contains(Decode(block).Samples[1], v => v != 0);
        for (int i = 31; i < block.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var damaged = (byte[])block.Clone();
                damaged[i] ^= (byte)(1 << bit);
                var b = Decode(damaged);
                Assert.True(b.CorruptRecords == 64, "byte " + i + " bit " + bit + " went unnoticed");
                Assert.All(b.Samples[0], v => Assert.Equal(0, v));
            }
        }
    }

    [Fact]
    public void TwoRecordsSwappedOrTheSameErrorInTwoFramesAreDetected()
    {
        byte[] block = CapturedBlock();
        var swapped = (byte[])block.Clone();
        Array.Copy(block, 31 + 6 * 10, swapped, 31 + 6 * 40, 6);
        Array.Copy(block, 31 + 6 * 40, swapped, 31 + 6 * 10, 6);
        Assert.Equal(64, Decode(swapped).CorruptRecords);
        var twice = (byte[])block.Clone();
        twice[31 + 6 * 3 + 2] ^= 0x10;
        twice[31 + 6 * 50 + 2] ^= 0x10;
        Assert.Equal(64, Decode(twice).CorruptRecords);
    }

    [Fact]
    public void AStuckMisoDuringStreamingIsNeverTakenForSamples()
    {
        // Every frame all ones (MISO stuck high): each frame's CRC word reads FFFFh, which is not the CRC of the
        // frame, so the folded check fails for the block.
        byte[] block = CapturedBlock();
        for (int i = 28; i < block.Length; i++) block[i] = 0xFF;
        Assert.Equal(64, Decode(block).CorruptRecords);
        for (int i = 28; i < block.Length; i++) block[i] = 0x00;
        Assert.Equal(64, Decode(block).CorruptRecords);
    }
}
