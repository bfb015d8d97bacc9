// The simulated parts, checked with literal datasheet bytes (never with the firmware drivers' constants).
using System.Linq;
using PreampFirmware.Sim;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class SimChipTests
{
    private static byte[] H(string hex) => hex.Split(' ').Select(b => System.Convert.ToByte(b, 16)).ToArray();
    private static string X(byte[] b) => string.Join(" ", b.Select(v => v.ToString("X2")));

    private static byte[] Frame(SimSpiChannel spi, string mosi)
    {
        var tx = H(mosi);
        var rx = new byte[tx.Length];
        spi.Transfer(tx, 0, rx, 0, tx.Length);
        return rx;
    }

    [Fact]
    public void PgaChainLatchesChannelTwoFirstAndShiftsThePreviousWordsOut()
    {
        var board = new SimBoard();
        Frame(board.GainSpi, "00 38 00 15");
        Assert.Equal(30, board.Pga.GainDb(0));
        Assert.Equal(65, board.Pga.GainDb(1));
        Assert.Equal("00 38 00 15", X(Frame(board.GainSpi, "80 00 03 01")));
        Assert.Equal(10, board.Pga.GainDb(0));
        Assert.False(board.Pga.DcServo(1));
        Assert.Equal(3, board.Pga.Gpo(0));
    }

    [Fact]
    public void PgaWithZcenHighAppliesAtTheNextZeroCrossing()
    {
        var board = new SimBoard();
        board.Sources[0].Kind = SourceKind.Sine;                               // 50 Hz: zero crossings every 10 ms
        board.Sources[0].FrequencyHz = 50;
        board.Sources[0].Dbu = -20;
        Frame(board.AdcSpi, "61 80 00 03 0A 00 00 00 00 00 00 00");          // 8 kS/s analog steps
        board.ZeroCrossEnable.Write(true);
        board.AdvanceTo(2_000);
        Frame(board.GainSpi, "00 00 00 15");
        board.AdvanceTo(9_800);
        Assert.True(board.Pga.GainPending(0));
        Assert.Equal(0, board.Pga.GainDb(0));
        board.AdvanceTo(10_300);
        Assert.Equal(30, board.Pga.GainDb(0));
    }

    [Fact]
    public void PgaWithZcenHighFallsBackToTheTimeout()
    {
        var board = new SimBoard();
        board.AdcSyncReset.Write(false);                                       // no conversions: no signal seen
        board.ZeroCrossEnable.Write(true);
        Frame(board.GainSpi, "00 00 00 15");
        board.AdvanceBy(15_000);
        Assert.Equal(0, board.Pga.GainDb(0));
        board.AdvanceBy(1_500);
        Assert.Equal(30, board.Pga.GainDb(0));
    }

    [Fact]
    public void PgaWithZcenLowAppliesAtOnce()
    {
        var board = new SimBoard();
        Frame(board.GainSpi, "00 00 00 15");
        Assert.Equal(30, board.Pga.GainDb(0));
    }

    [Fact]
    public void PgaGpoDrivesPadAndPolarityRelaysAfterTheirOperateTime()
    {
        var board = new SimBoard();
        Frame(board.GainSpi, "00 00 03 00");
        Assert.True(board.PadRelays[0].Coil);
        Assert.True(board.PolarityRelays[0].Coil);
        Assert.False(board.PadRelays[0].Contact);
        board.AdvanceBy(SimRelay.OperateUs);
        Assert.True(board.PadRelays[0].Contact);
        Assert.False(board.PadRelays[1].Coil);
    }

    [Fact]
    public void AdcAnswersTheResetAcknowledgeFirstWithAValidCrc()
    {
        var board = new SimBoard();
        var rx = Frame(board.AdcSpi, "00 00 00 CC 9C 00 00 00 00 00 00 00");
        Assert.Equal("FF 22 00", X(rx.Take(3).ToArray()));
        Assert.Equal("60 81", X(rx.Skip(9).Take(2).ToArray()));
    }

    [Fact]
    public void AdcAnswersOneFrameLateAndKeepsIdReadOnly()
    {
        var board = new SimBoard();
        Frame(board.AdcSpi, "A0 00 00 00 00 00 00 00 00 00 00 00");          // RREG ID (no RX CRC yet)
        var rx = Frame(board.AdcSpi, "00 00 00 00 00 00 00 00 00 00 00 00");
        Assert.Equal("22 01", X(rx.Take(2).ToArray()));
        Frame(board.AdcSpi, "60 00 00 12 34 00 00 00 00 00 00 00");          // WREG ID: ignored
        rx = Frame(board.AdcSpi, "00 00 00 00 00 00 00 00 00 00 00 00");
        Assert.Equal("40 00", X(rx.Take(2).ToArray()));                        // acknowledged all the same
        Assert.Equal(0x2201, board.Adc.Register(0));
    }

    [Fact]
    public void AdcIgnoresACommandWithABadInputCrcAndFlagsIt()
    {
        var board = new SimBoard();
        Frame(board.AdcSpi, "61 00 00 11 10 00 63 88 00 00 00 00");          // MODE = 1110h: RX_CRC_EN
        Assert.Equal(0x1110, board.Adc.Register(2));
        Frame(board.AdcSpi, "61 80 00 03 0A 00 00 00 00 00 00 00");          // WREG CLOCK, CRC missing
        Assert.Equal(0x030E, board.Adc.Register(3));
        Assert.Equal(1, board.Adc.InputCrcErrors);
        Assert.NotEqual(0, board.Adc.Register(1) & 0x1000);                  // STATUS.CRC_ERR
    }

    [Fact]
    public void AdcConvertsAtFmodOverOsrAndRaisesDrdy()
    {
        var board = new SimBoard();
        Frame(board.AdcSpi, "61 80 00 03 0A 00 00 00 00 00 00 00");          // CLOCK: OSR 512 → 8 kS/s
        long start = board.Adc.Conversions;
        board.AdvanceBy(100_000);
        Assert.InRange(board.Adc.Conversions - start, 799, 801);
        Assert.False(board.AdcDataReady.Level);                               // /DRDY low: data waiting
        Frame(board.AdcSpi, "00 00 00 00 00 00 00 00 00 00 00 00");
        Assert.True(board.AdcDataReady.Level);
    }

    [Theory]
    [InlineData("61 80 00 03 02 00 00 00 00 00 00 00", 32000)]    // OSR 128: a period of 31.25 µs
    [InlineData("61 80 00 03 06 00 00 00 00 00 00 00", 16000)]    // OSR 256: 62.5 µs
    [InlineData("61 80 00 03 22 00 00 00 00 00 00 00", 64000)]    // OSR 128 with TBM: 15.625 µs
    public void AdcRatesWhosePeriodIsNotWholeMicrosecondsStayExact(string clockWrite, int rate)
    {
        var board = new SimBoard();
        Frame(board.AdcSpi, clockWrite);
        board.AdvanceBy(10_000);
        long start = board.Adc.Conversions;
        board.AdvanceBy(1_000_000);
        Assert.InRange(board.Adc.Conversions - start, rate - 1, rate + 1);
    }

    [Fact]
    public void AdcShortPulseIsASyncAndLongPulseIsAReset()
    {
        var board = new SimBoard();
        Frame(board.AdcSpi, "61 80 00 03 0A 00 00 00 00 00 00 00");
        board.AdcSyncReset.Write(false);
        board.AdvanceBy(100);                                                 // 819 CLKIN periods: sync
        board.AdcSyncReset.Write(true);
        Assert.Equal(0x030A, board.Adc.Register(3));
        board.AdcSyncReset.Write(false);
        board.AdvanceBy(260);                                                 // 2130 periods: reset
        board.AdcSyncReset.Write(true);
        Assert.Equal(0x030E, board.Adc.Register(3));
    }

    [Fact]
    public void AdcAppliesOffsetAndGainCalibration()
    {
        var board = new SimBoard();
        board.Adc.Noiseless = true;
        board.Adc.Input = (ch, t) => 0.6;                                     // half of 1.2 V full scale
        Frame(board.AdcSpi, "61 80 00 03 0A 00 00 00 00 00 00 00");
        board.AdvanceBy(200);
        Assert.Equal(4194304, board.Adc.Data(0));
        Frame(board.AdcSpi, "65 00 00 00 10 00 00 00 00 00 00 00");          // CH0_OCAL_MSB (0Ah) = 0010h → OCAL 001000h
        Frame(board.AdcSpi, "66 00 00 40 00 00 00 00 00 00 00 00");          // CH0_GCAL_MSB (0Ch) = 4000h → ×0.5
        board.AdvanceBy(200);
        Assert.Equal((4194304 - 0x1000) / 2, board.Adc.Data(0));
    }

    [Fact]
    public void LedChainLatchesTheLastByteIntoTheFirstRegister()
    {
        var board = new SimBoard();
        Frame(board.LedSpi, "21 80 01 05 00 FF");
        Assert.Equal(0x00FF, board.Leds.Ring(0));
        Assert.Equal(0x8001, board.Leds.Ring(1));
        Assert.True(board.Leds.PhantomLed(0));
        Assert.True(board.Leds.PolarityLed(0));
        Assert.True(board.Leds.SelectedLed(1));
        Assert.False(board.Leds.ClipLed(1));
    }

    [Fact]
    public void FlashPowerCutLeavesTheFileTornWhereItStopped()
    {
        var flash = new SimFlash();
        var data = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        flash.WriteAll("a", data, data.Length);
        flash.CutPowerAfterSteps = 2;                                          // erase, one page, then dead
        Assert.Throws<PowerCutException>(() => flash.WriteAll("a", new byte[200], 200));
        Assert.Throws<PowerCutException>(() => flash.ReadAll("a"));
        flash.Restore();
        var torn = flash.ReadAll("a");
        Assert.All(torn.Take(64), b => Assert.Equal(0, b));
        Assert.All(torn.Skip(128), b => Assert.Equal(0xFF, b));
    }
}

public class SimFlashFileTests
{
    [Fact]
    public void TheFlashFileKeepsFilesAcrossRunsAndADamagedOneIsRefusedClearly()
    {
        string path = System.IO.Path.GetTempFileName();
        try
        {
            var a = new SimFlash(path);
            a.WriteAll("state.a", new byte[] { 1, 2, 3 }, 3);
            var b = new SimFlash(path);
            Assert.Equal(new byte[] { 1, 2, 3 }, b.ReadAll("state.a"));
            var bytes = System.IO.File.ReadAllBytes(path);
            System.IO.File.WriteAllBytes(path, bytes.Take(bytes.Length - 2).ToArray());
            var e = Assert.Throws<System.IO.InvalidDataException>(() => new SimFlash(path));
            Assert.Contains("truncated", e.Message);
            System.IO.File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
            Assert.Contains("not a simulator flash file", Assert.Throws<System.IO.InvalidDataException>(() => new SimFlash(path)).Message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
