// The I2S sample framing on the simulated board: each wrong framing found by the firmware, undone by the host bit for bit.
using System;
using System.Linq;
using PreampFirmware.Client;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class SampleFramingBoardTests
{
    /// <summary>Switches the receiver's framing fault on (SIMulation:FAULt AUDIO,...), or leaves it normal.</summary>
    private static void Frame(SimRunner runner, I2sFraming framing)
    {
        if (framing != I2sFraming.Normal)
        {
            runner.Faults.Set("AUDIO", framing == I2sFraming.ByteSwap ? "BYTESWAP" : framing == I2sFraming.BitReverse ? "BITREV" : "SHIFT");
        }
    }

    /// <summary>A board whose I2S receiver frames the slots as <paramref name="framing"/> from power-on.</summary>
    private static Host BootWith(I2sFraming framing)
    {
        var runner = new SimRunner();
        Frame(runner, framing);
        runner.PowerCycle();   // the framing is there when the firmware boots (done the same way for every framing)
        var h = new Host(runner: runner);
        h.Run(0.5);            // the check 200 ms after bring-up
        return h;
    }

    [Theory]
    [InlineData(I2sFraming.Normal, "NORMAL", "0,\"No error\"")]
    [InlineData(I2sFraming.ByteSwap, "BYTESWAP", "-300,\"Device-specific error;I2S samples arrive byte-swapped (BYTESWAP): the stream header flags it")]
    [InlineData(I2sFraming.BitReverse, "BITREV", "-300,\"Device-specific error;I2S samples arrive bit-reversed (BITREV): the stream header flags it")]
    [InlineData(I2sFraming.ShiftLate, "SHIFT", "-240,\"Hardware error;I2S samples arrive one bit clock late (SHIFT)")]
    public void TheFirmwareFindsTheFramingAtBringUp(I2sFraming framing, string name, string error)
    {
        var runner = new SimRunner();
        Frame(runner, framing);
        var h = new Host(runner: runner);   // connected before the power cycle: it hears the boot's errors
        runner.PowerCycle();
        Assert.Equal("UNCHECKED", h.Ask("DIAG:ADC:FRAM?"));
        h.Run(0.3);
        Assert.Equal(name, h.Ask("DIAGnostic:ADC:FRAMing?"));
        Assert.StartsWith(error, h.Ask("SYST:ERR?"));
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));   // once
        Assert.Equal(framing == I2sFraming.ShiftLate ? "FRAMING" : "NONE", h.Ask("SYST:COND?"));
    }

    [Theory]
    [InlineData("BYTESWAP")]
    [InlineData("BITREV")]
    [InlineData("SHIFT")]
    public void AFaultSwitchedOnIsFoundByTheCheckBringUpAsksFor(string how)
    {
        var h = new Host();
        h.Run(0.3);
        Assert.Equal("NORMAL", h.Ask("DIAG:ADC:FRAM?"));
        h.Ask("SIM:FAULt AUDIO," + how, 0.1);
        Assert.Contains("AUDIO:" + how, h.Ask("SIM:FAULt?"));
        Assert.Equal("NORMAL", h.Ask("DIAG:ADC:FRAM?"));          // decided: nothing checks per block
        Assert.Equal(how, h.Ask("DIAG:ADC:FRAM:CHEC;:DIAG:ADC:FRAM?"));
        Assert.Equal(how, h.Ask("DIAG:ADC:FRAM:CHEC;:DIAG:ADC:FRAM?", 0.1));
        Assert.StartsWith(how == "SHIFT" ? "-240," : "-300,", h.Ask("SYST:ERR?"));
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));          // reported once, not at every check
        h.Ask("SIM:FAULt AUDIO,OFF", 0.1);
        Assert.Equal("NORMAL", h.Ask("DIAG:ADC:FRAM:CHEC;:DIAG:ADC:FRAM?"));
    }

    [Fact]
    public void ShiftedSamplesAreNotStreamedAndTheRefusalNamesTheFix()
    {
        var h = BootWith(I2sFraming.ShiftLate);
        h.Ask("SYST:ERR?");   // the boot's report
        h.Ask("STR:STAR", 0.2);
        Assert.Equal("0", h.Ask("STR:ACT?"));
        Assert.Empty(h.Blocks);
        string e = h.Ask("SYST:ERR?");
        Assert.StartsWith("-240,\"Hardware error;I2S samples arrive one bit clock late (SHIFT)", e);
        Assert.Contains("0Bh = 44h", e);
        Assert.Contains("zero-initialises i2s_config_t", e);
        h.Ask("SIM:SOUR1 SINE,1000,-30", 0.2);
        h.Ask("STR:STAR", 0.2);                                   // checked again, too loud to decide: SHIFT stays in force
        Assert.Equal("LOUD", h.Ask("DIAG:ADC:FRAM?"));
        Assert.Equal("0", h.Ask("STR:ACT?"));
        Assert.StartsWith("-240,\"Hardware error;I2S samples arrive one bit clock late (SHIFT)", h.Ask("SYST:ERR?"));
        Assert.Equal("FRAMING", h.Ask("SYST:COND?"));
        h.Ask("SIM:SOUR1 OFF;:SIM:FAULt AUDIO,OFF", 0.3);
        h.Ask("STR:STAR", 0.2);                                   // a start checks a SHIFT again: fixed, it streams
        Assert.Equal("1", h.Ask("STR:ACT?"));
        Assert.Equal("NORMAL", h.Ask("DIAG:ADC:FRAM?"));
        Assert.Equal("NONE", h.Ask("SYST:COND?"));
    }

    /// <summary>Streams 0.4 s of a tone on input 1 and noise on input 2 from a board framed as <paramref name="framing"/>.</summary>
    private static Host Capture(I2sFraming framing)
    {
        var h = BootWith(framing);
        h.Ask("SIM:SOUR1 SINE,997,-30;:SIM:SOUR2 NOISE,-40;:INP1:GAIN 20", 0.2);
        h.Ask("STR:STAR", 0.4);
        h.Ask("STR:STOP", 0.1);
        return h;
    }

    [Theory]
    [InlineData(I2sFraming.ByteSwap, StreamDecoder.FramingByteSwap)]
    [InlineData(I2sFraming.BitReverse, StreamDecoder.FramingBitReverse)]
    public void TheHostUndoesAFlaggedFramingBitForBit(I2sFraming framing, int flag)
    {
        var plain = Capture(I2sFraming.Normal);
        var faulted = Capture(framing);
        Assert.All(plain.Blocks, b => Assert.Equal(StreamDecoder.FramingAsSent, b.Framing));
        Assert.All(faulted.Blocks, b => Assert.Equal(flag, b.Framing));
        Assert.True(plain.Ch1.Count > 12_000, "frames captured: " + plain.Ch1.Count);
        Assert.Equal(plain.Ch1.Count, faulted.Ch1.Count);
        Assert.Equal(plain.Ch1, faulted.Ch1);                     // sample for sample
        Assert.Equal(plain.Ch2, faulted.Ch2);
        Assert.True(plain.Ch1.Max() > 100_000, "a tone, not silence");
    }

    [Theory]
    [InlineData(0x08, new byte[] { 0x12, 0x34, 0x56, 0xFF, 0xFF, 0x81 }, 0x123456, -127)]   // byte-swapped: 123456h arrives as 563412h
    [InlineData(0x10, new byte[] { 0x48, 0x2C, 0x6A, 0xFF, 0xFF, 0x81 }, 0x123456, -127)]   // bit-reversed: 6A2C48h, 81FFFFh are 123456h, FFFF81h backwards
    [InlineData(0x00, new byte[] { 0x56, 0x34, 0x12, 0x81, 0xFF, 0xFF }, 0x123456, -127)]   // as sent
    [InlineData(0x18, new byte[] { 0x56, 0x34, 0x12, 0x81, 0xFF, 0xFF }, 0x123456, -127)]   // reserved: left as it came
    public void TheDecoderReadsTheFramingFromTheFlagsByte(int flags, byte[] frame, int ch1, int ch2)
    {
        var b = new byte[StreamDecoder.BlockBytes(1)];
        Array.Copy(frame, 0, b, StreamDecoder.HeaderBytes, 6);
        Streaming.StreamBlock.Seal(b, new SimCrc32(), 0x10, 0, 0, 0, 48000, 1, 0, 0, 0, flags, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF);
        var block = StreamDecoder.DecodeBlock(b, 1);
        Assert.False(block.Damaged);
        if (flags == 0x18)
        {
            Assert.Equal(3, block.Framing);
            Assert.Equal(0x123456, block.Samples[0][0]);
            return;
        }
        Assert.Equal(ch1, block.Samples[0][0]);
        Assert.Equal(ch2, block.Samples[1][0]);
    }

    [Theory]
    [InlineData("BYTESWAP")]
    [InlineData("BITREV")]
    public void TheMetersReadTheSameLevelWithTheFault(string how)
    {
        string Level(string fault)
        {
            var h = new Host();
            h.Run(0.3);
            h.Ask("SIM:FAULt AUDIO," + (fault ?? "OFF"), 0.1);   // the same board time either way
            Assert.Equal(fault ?? "NORMAL", h.Ask("DIAG:ADC:FRAM:CHEC;:DIAG:ADC:FRAM?"));   // the input quiet, as bring-up has it
            h.Ask("SIM:SOUR1 SINE,1000,-30;:SIM:SOUR2 SINE,440,-50;:INP1:GAIN 30", 0.6);
            return h.Ask("MEAS:LEV? 1;:MEAS:LEV? 2");
        }
        string plain = Level(null);
        Assert.Equal(plain, Level(how));
        Assert.StartsWith("-", plain);
    }

    [Fact]
    public void ACheckThatFindsOnlySilenceLooksAgainWhenTheMuteIsLifted()
    {
        var h = BootWith(I2sFraming.Normal);
        h.Ask("INP1:MUTE ON;:INP2:MUTE ON;:SIM:FAULt AUDIO,BYTESWAP", 0.3);
        Assert.Equal("UNCHECKED", h.Ask("DIAG:ADC:FRAM:CHEC;:DIAG:ADC:FRAM?"));   // both muted in the converter: zeros
        h.Ask("INP1:MUTE OFF;:INP2:MUTE OFF", 0.5);
        Assert.Equal("BYTESWAP", h.Ask("DIAG:ADC:FRAM?"));
        h.Ask("INP1:MUTE ON;:INP2:MUTE ON", 0.3);
        Assert.Equal("UNCHECKED", h.Ask("DIAG:ADC:FRAM:CHEC;:DIAG:ADC:FRAM?"));
        h.Run(2.5);                                                               // muted for good: the retries end, nothing decided
        Assert.Equal("UNCHECKED", h.Ask("DIAG:ADC:FRAM?"));
        Assert.Equal(Streaming.SampleFraming.ByteSwap, h.Runner.Firmware.Converter.Framing.InForce);   // the correction stays in force
    }

    [Fact]
    public void TooLoudToDecideSaysSoAndTheNextStreamStartChecksAgain()
    {
        var h = BootWith(I2sFraming.Normal);
        h.Ask("SIM:SOUR1 SINE,1000,-30;:SIM:FAULt AUDIO,BYTESWAP", 0.2);   // -42 dBFS peak at 0 dB: over the quiet limit
        Assert.Equal("LOUD", h.Ask("DIAG:ADC:FRAM:CHEC;:DIAG:ADC:FRAM?"));
        h.Ask("SIM:SOUR1 OFF", 0.3);
        Assert.Equal("LOUD", h.Ask("DIAG:ADC:FRAM?"));             // nothing checks until the stream starts
        h.Ask("STR:STAR", 0.3);
        Assert.Equal("BYTESWAP", h.Ask("DIAG:ADC:FRAM?"));
        Assert.True(h.Blocks.Count > 3);
        Assert.All(h.Blocks, b => Assert.Equal(StreamDecoder.FramingByteSwap, b.Framing));
        Assert.All(h.Ch1, v => Assert.InRange(v, -2000, 2000));  // the quiet input, undone: no byte-swapped noise
        h.Ask("STR:STOP", 0.1);
    }
}
