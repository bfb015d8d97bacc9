// The real firmware object booting on the simulated board: the good path, and every chip fault ending safe with a clear error.
using PreampFirmware.Health;
using PreampFirmware.Sim;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class BootTests
{
    private static (SimBoard Board, Preamp Fw) Build()
    {
        var board = new SimBoard();
        return (board, new Preamp(board.Io));
    }

    private static void AssertSafe(SimBoard board, Preamp fw)
    {
        Assert.False(fw.IsReady);
        for (int ch = 0; ch < 2; ch++)
        {
            Assert.True(fw.Channels.IsMuted(ch));
            Assert.False(board.PhantomRelays[ch].Coil, "phantom coil off");
            Assert.False(board.PadRelays[ch].Coil, "pad coil off");
            Assert.False(board.PolarityRelays[ch].Coil, "polarity coil off");
        }
    }

    [Fact]
    public void BootBringsBothChipsUpClocksTheConverterAndUnmutes()
    {
        var (board, fw) = Build();
        Assert.Equal(0, fw.Boot());
        Assert.True(fw.IsReady);
        Assert.Equal("0,\"No error\"", fw.Errors.Pop());
        Assert.Equal(1, board.Adc.Resets);
        Assert.Equal(0x50, board.Adc.Register(0x06));   // ADC1L ← {VIN1P, VIN1M}
        Assert.Equal(0x50, board.Adc.Register(0x07));   // ADC1R ← {VIN2P, VIN2M}
        Assert.Equal(0x44, board.Adc.Register(0x0B));   // I2S, 24 bit
        Assert.Equal(0x01, board.Adc.Register(0x20));   // slave, automatic clocks
        Assert.Equal(0x70, board.Adc.Register(0x70));   // running
        Assert.Equal(0x10, board.Adc.Register(0x71));   // high-pass on, nothing muted once ready
        Assert.True(board.Adc.Running, "the PCM1863 locked to the ESP32's clocks");
        Assert.True(board.Audio.IsRunning);
        Assert.Equal(48000, board.Audio.Rate);
        Assert.Equal(0, board.Pga.GainDb(0));
        Assert.Equal(0, board.Pga.Gpo(1));
        Assert.True(board.ZeroCrossEnable.Level);
        Assert.False(fw.Channels.IsMuted(0) || fw.Channels.IsMuted(1));
        Assert.Equal(0, board.Adc.MalformedFrames);
        long completed = board.Audio.BuffersCompleted;
        board.AdvanceBy(53_334);
        Assert.InRange(board.Audio.BuffersCompleted - completed, 9, 11);   // 256 frames every 5.33 ms
    }

    [Fact]
    public void PhantomIsNeverEnergisedDuringBoot()
    {
        var (board, fw) = Build();
        int changes = 0;
        board.PhantomPins[0].Changed += _ => changes++;
        board.PhantomPins[1].Changed += _ => changes++;
        fw.Boot();
        Assert.Equal(0, changes);
    }

    [Theory]
    [InlineData(MisoFault.StuckHigh, "read 0xFF", "MISO stuck high")]
    [InlineData(MisoFault.StuckLow, "read 0x00", "MISO stuck low")]
    public void AConverterWithAStuckMisoLeavesTheBoardSafe(MisoFault fault, string read, string reason)
    {
        var (board, fw) = Build();
        board.AdcSpi.Miso = fault;
        Assert.Equal(SelfTest.Adc, fw.Boot());
        AssertSafe(board, fw);
        string error = fw.Errors.Pop();
        Assert.StartsWith("-330,\"Self-test failed;PCM1863 does not answer in any control-port framing", error);
        Assert.Contains("mode 0 R/W LSB: 06h " + read + "; mode 0 R/W MSB: 0Bh " + read + "; mode 1 R/W LSB: 06h " + read + "; mode 1 R/W MSB: 0Bh " + read, error);
        Assert.Contains(reason, error);
        Assert.False(board.Audio.IsRunning, "no clocks for a converter that is not configured");
        Assert.False(fw.Adc.IsConfigured);
    }

    [Fact]
    public void BothBusesStuckFailBothChipsAndSaySo()
    {
        var (board, fw) = Build();
        board.AdcSpi.Miso = MisoFault.StuckLow;
        board.GainSpi.Miso = MisoFault.StuckLow;
        Assert.Equal(SelfTest.Adc | SelfTest.GainChain, fw.Boot());
        AssertSafe(board, fw);
        Assert.Contains("PGA2500 chain: no loop-back (MISO stuck low", fw.Errors.Pop());
        Assert.Contains("PCM1863", fw.Errors.Pop());
    }

    [Fact]
    public void AConverterReadingTheOtherWordLayoutIsFound()
    {
        var (board, fw) = Build();
        board.Adc.WireLayout = Pcm1863WireLayout.ReadWriteInBit15;   // a part that reads the datasheet's prose, not its NOTE
        Assert.Equal(0, fw.Boot());
        Assert.True(fw.IsReady);
        Assert.Equal(2, fw.Adc.Port.Framing);                         // mode 0, R/W in the MSB
        Assert.True(board.Adc.Running);
    }

    [Fact]
    public void OneGlitchOnTheControlBusIsRiddenOut()
    {
        var (board, fw) = Build();
        board.AdcSpi.CorruptByteIndex = 1;      // the data byte of a read
        board.AdcSpi.CorruptNextFrames = 4;     // the framing search's page write and reads: every framing fails once
        Assert.Equal(0, fw.Boot());
        Assert.True(fw.IsReady);
        Assert.Equal(0, fw.Adc.Port.Framing);   // the retry's search finds the documented framing
        Assert.Equal(1, board.Adc.Resets);      // only the retry got as far as the reset
    }

    [Fact]
    public void AControlBusThatKeepsCorruptingLeavesTheBoardSafe()
    {
        var (board, fw) = Build();
        board.AdcSpi.CorruptByteIndex = 1;
        board.AdcSpi.CorruptNextFrames = 1000;
        Assert.Equal(SelfTest.Adc, fw.Boot());
        AssertSafe(board, fw);
        Assert.Contains("PCM1863", fw.Errors.Pop());
    }

    [Fact]
    public void AConverterThatNeverRunsOnItsClocksLeavesTheBoardSafe()
    {
        var (board, fw) = Build();
        board.Adc.Stopped = true;               // no supply, or its PLL never locks
        Assert.Equal(SelfTest.Adc, fw.Boot());
        AssertSafe(board, fw);
        string error = fw.Errors.Pop();
        Assert.Contains("PCM1863 is not running as configured: DEVICE_STATUS 0x00", error);
        Assert.Contains("SUPPLY_STATUS 0x00", error);
        Assert.False(board.Audio.IsRunning);
    }

    [Fact]
    public void MissingGainChipIsReportedAndTheConverterStillComesUp()
    {
        var (board, fw) = Build();
        board.GainSpi.Miso = MisoFault.StuckLow;
        Assert.Equal(SelfTest.GainChain, fw.Boot());
        AssertSafe(board, fw);
        Assert.Contains("PGA2500", fw.Errors.Pop());
        Assert.Equal("0,\"No error\"", fw.Errors.Pop());
        Assert.True(fw.Adc.IsConfigured);
        Assert.True(board.Adc.Running);
    }
}
