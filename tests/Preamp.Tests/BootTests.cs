// The real firmware object booting on the simulated board: the good path, and every chip fault ending safe with a clear error.
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
            Assert.True(fw.IsMuted(ch));
            Assert.False(board.PhantomRelays[ch].Coil, "phantom coil off");
            Assert.False(board.PadRelays[ch].Coil, "pad coil off");
            Assert.False(board.PolarityRelays[ch].Coil, "polarity coil off");
        }
    }

    [Fact]
    public void BootBringsBothChipsUpAndUnmutes()
    {
        var (board, fw) = Build();
        Assert.Equal(0, fw.Boot());
        Assert.True(fw.IsReady);
        Assert.Equal("0,\"No error\"", fw.Errors.Pop());
        Assert.Equal(0x1110, board.Adc.Register(2));   // MODE: RX CRC on, 24-bit, RESET cleared
        Assert.Equal(0x030A, board.Adc.Register(3));   // CLOCK: 8 kS/s, both channels, HR
        Assert.Equal(0, board.Pga.GainDb(0));
        Assert.Equal(0, board.Pga.Gpo(1));
        Assert.True(board.ZeroCrossEnable.Level);
        Assert.False(fw.IsMuted(0) || fw.IsMuted(1));
        Assert.Equal(0, board.Adc.InputCrcErrors);
        long conversions = board.Adc.Conversions;
        board.AdvanceBy(10_000);
        Assert.InRange(board.Adc.Conversions - conversions, 79, 81);
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
    [InlineData(MisoFault.StuckHigh, "MISO stuck high")]
    [InlineData(MisoFault.StuckLow, "MISO stuck low")]
    public void AdcWithAStuckMisoLeavesTheBoardSafe(MisoFault fault, string reason)
    {
        var (board, fw) = Build();
        board.AdcSpi.Miso = fault;
        Assert.Equal(Preamp.SelfTestAdc, fw.Boot());
        AssertSafe(board, fw);
        string error = fw.Errors.Pop();
        Assert.StartsWith("-330,\"Self-test failed;ADS131M02:", error);
        Assert.Contains(reason, error);
        Assert.False(board.AdcSyncReset.Level, "ADC held in reset");
        Assert.False(board.Adc.Running);
    }

    [Theory]
    [InlineData(MisoFault.StuckHigh, "stuck high")]
    [InlineData(MisoFault.StuckLow, "stuck low")]
    public void SharedMisoStuckFailsBothChipsAndSaysSo(MisoFault fault, string reason)
    {
        var (board, fw) = Build();
        board.AdcSpi.Miso = fault;
        board.GainSpi.Miso = fault;
        Assert.Equal(Preamp.SelfTestAdc | Preamp.SelfTestGainChain, fw.Boot());
        AssertSafe(board, fw);
        Assert.Contains("PGA2500 chain: no loop-back (MISO " + reason, fw.Errors.Pop());
        Assert.Contains("ADS131M02", fw.Errors.Pop());
    }

    [Fact]
    public void WrongResetResponseLeavesTheBoardSafe()
    {
        var (board, fw) = Build();
        Assert.Equal(0, fw.Boot());
        board.Adc.ResetLineBroken = true;      // a warm reboot where the reset never reaches the chip
        Assert.Equal(Preamp.SelfTestAdc, fw.Boot());
        AssertSafe(board, fw);
        Assert.Contains("reset response 0x", fw.Errors.Pop());
    }

    [Fact]
    public void OneCrcGlitchOnRegisterTrafficIsRiddenOut()
    {
        var (board, fw) = Build();
        board.AdcSpi.CorruptByteIndex = 4;
        board.AdcSpi.CorruptNextFrames = 1;
        Assert.Equal(0, fw.Boot());
        Assert.True(fw.IsReady);
        Assert.Equal(3, board.Adc.Resets);      // power-on, first bring-up, and the retry's reset
    }

    [Fact]
    public void PersistentCrcErrorsOnRegisterTrafficLeaveTheBoardSafe()
    {
        var (board, fw) = Build();
        board.AdcSpi.CorruptByteIndex = 4;
        board.AdcSpi.CorruptNextFrames = 1000;
        Assert.Equal(Preamp.SelfTestAdc, fw.Boot());
        AssertSafe(board, fw);
        Assert.Contains("CRC error", fw.Errors.Pop());
    }

    [Fact]
    public void MissingGainChipIsReportedAndTheAdcStillComesUp()
    {
        var (board, fw) = Build();
        board.GainSpi.Miso = MisoFault.StuckLow;
        Assert.Equal(Preamp.SelfTestGainChain, fw.Boot());
        AssertSafe(board, fw);
        Assert.Contains("PGA2500", fw.Errors.Pop());
        Assert.Equal("0,\"No error\"", fw.Errors.Pop());
    }
}
