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
        board.Audio.Start(48000);                                              // the analog chain runs at 48 kS/s
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
        board.ZeroCrossEnable.Write(true);                                     // no I2S clocks: no signal seen
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

    // PCM1863 words, SLAS831D Figure 47 NOTE: [address(7) R/W(1)] [data]; reads answer on MISO's second byte.

    [Fact]
    public void PcmAnswersItsResetValuesInTheNoteLayout()
    {
        var board = new SimBoard();
        Assert.Equal("00 44", X(Frame(board.AdcSpi, "17 00")));              // 0Bh PCM_CFG
        Assert.Equal("00 41", X(Frame(board.AdcSpi, "0D 00")));              // 06h ADC1_INPUT_SEL_L
        Assert.Equal("00 41", X(Frame(board.AdcSpi, "0F 00")));              // 07h ADC1_INPUT_SEL_R
        Assert.Equal("00 01", X(Frame(board.AdcSpi, "41 00")));              // 20h CLK_CTRL
        Assert.Equal("00 70", X(Frame(board.AdcSpi, "E1 00")));              // 70h POWER_CTRL
        Assert.Equal("00 10", X(Frame(board.AdcSpi, "E3 00")));              // 71h DSP_CTRL
        Assert.Equal("00 07", X(Frame(board.AdcSpi, "F1 00")));              // 78h SUPPLY_STATUS
    }

    [Fact]
    public void PcmWritesTakeAndASoftwareResetRestoresThem()
    {
        var board = new SimBoard();
        Frame(board.AdcSpi, "0C 50");                                          // 06h ← 50h
        Assert.Equal("00 50", X(Frame(board.AdcSpi, "0D 00")));
        Frame(board.AdcSpi, "E4 0F");                                          // 72h is read-only
        Assert.Equal("00 01", X(Frame(board.AdcSpi, "E5 00")));              // still waiting for clocks
        Frame(board.AdcSpi, "00 FE");                                          // page 0 ← FEh: reset
        Assert.Equal("00 41", X(Frame(board.AdcSpi, "0D 00")));
        Assert.Equal(1, board.Adc.Resets);
        Frame(board.AdcSpi, "0C 50 00");                                       // not one 16-bit word: ignored
        Assert.Equal(1, board.Adc.MalformedFrames);
        Assert.Equal("00 41", X(Frame(board.AdcSpi, "0D 00")));
    }

    [Fact]
    public void PcmStatusFollowsTheClocksTheEsp32Gives()
    {
        var board = new SimBoard();
        Assert.Equal("00 01", X(Frame(board.AdcSpi, "E5 00")));              // 72h: waiting for stable clocks
        Assert.Equal("00 00", X(Frame(board.AdcSpi, "E7 00")));              // 73h: LRCK halted
        Assert.Equal("00 70", X(Frame(board.AdcSpi, "EB 00")));              // 75h: LRCK, BCK, SCK halted
        board.Audio.Start(48000);
        board.AdvanceBy(SimPcm1863.LockMicroseconds + 100);
        Assert.Equal("00 0F", X(Frame(board.AdcSpi, "E5 00")));              // run
        Assert.Equal("00 03", X(Frame(board.AdcSpi, "E7 00")));              // 32–48 kHz
        Assert.Equal("00 30", X(Frame(board.AdcSpi, "E9 00")));              // BCK/LRCK = 64
        Assert.Equal("00 10", X(Frame(board.AdcSpi, "EB 00")));              // only SCK halted: BCK-PLL mode
        board.Audio.Start(96000);
        Assert.Equal("00 01", X(Frame(board.AdcSpi, "E5 00")));              // locking again
        board.AdvanceBy(SimPcm1863.LockMicroseconds + 100);
        Assert.Equal("00 04", X(Frame(board.AdcSpi, "E7 00")));              // 88.2–96 kHz
        board.Audio.Stop();
        Assert.Equal("00 00", X(Frame(board.AdcSpi, "E7 00")));
    }

    [Fact]
    public void PcmReportsAWrongBckRatioAndALostBckAsTheDatasheetDescribes()
    {
        var board = new SimBoard();
        board.Adc.ClocksStarted(48000, 40, board.NowMicroseconds);             // 40 BCK per frame: no ratio the part takes
        board.AdvanceBy(SimPcm1863.LockMicroseconds + 100);
        Assert.Equal("00 01", X(Frame(board.AdcSpi, "E5 00")));              // 72h: never runs
        Assert.Equal("00 03", X(Frame(board.AdcSpi, "E7 00")));              // 73h: LRCK seen, 32-48 kHz
        Assert.Equal("00 70", X(Frame(board.AdcSpi, "E9 00")));              // 74h: BCK ratio 7, invalid
        Assert.Equal("00 12", X(Frame(board.AdcSpi, "EB 00")));              // 75h: BCK error (b1), SCK halted
        board.Adc.ClocksStarted(48000, 64, board.NowMicroseconds);
        board.Adc.BitClockLost = true;                                         // BCK no longer reaches the part
        board.AdvanceBy(SimPcm1863.LockMicroseconds + 100);
        Assert.Equal("00 01", X(Frame(board.AdcSpi, "E5 00")));
        Assert.Equal("00 00", X(Frame(board.AdcSpi, "E9 00")));              // 74h: BCK ratio 0, halted
        Assert.Equal("00 30", X(Frame(board.AdcSpi, "EB 00")));              // 75h: BCK halted (b5), SCK halted
        board.Adc.BitClockLost = false;
        board.Adc.ClocksStarted(250000, 64, board.NowMicroseconds);            // above every rate class
        Assert.Equal("00 06", X(Frame(board.AdcSpi, "E7 00")));
        Assert.Equal("00 14", X(Frame(board.AdcSpi, "EB 00")));              // 75h: LRCK error (b2)
    }

    [Fact]
    public void APcmOfTheOtherModeReadsEachBitOneEdgeLate()
    {
        var board = new SimBoard();
        board.Adc.SpiMode = 1;                                                 // samples on the falling edge
        Assert.Equal("00 22", X(Frame(board.AdcSpi, "17 00")));              // a mode-0 master reads 44h one bit late
        Frame(board.AdcSpi, "0C 50");                                          // its writes arrive intact
        board.AdcSpi.Reopen(1);
        Assert.Equal("00 50", X(Frame(board.AdcSpi, "0D 00")));              // in the part's mode: right
        board.Adc.SpiMode = 0;
        Frame(board.AdcSpi, "0C 41");                                          // a mode-1 master: the part hears 06 20
        Assert.Equal(0x20, board.Adc.Register(0x03));                         // = 03h <- 20h, one bit late
        Assert.Equal(0x50, board.Adc.Register(0x06));
    }

    [Fact]
    public void OpeningTheGainBusLatchesChipOnesWordIntoChipTwo()
    {
        var board = new SimBoard();
        Frame(board.GainSpi, "00 00 03 15");                                   // chip 1: 30 dB, pad and polarity
        board.GainSpi.Reopen(0);                                               // two zero bytes with CS asserted
        Assert.Equal(0x0315, board.Pga.Word(1));
        Assert.Equal(0, board.Pga.Word(0));
        Assert.Equal(30, board.Pga.GainDb(1));
    }

    [Fact]
    public void APcmOfTheOtherLayoutAnswersGarbageToTheNoteLayout()
    {
        var board = new SimBoard();
        board.Adc.WireLayout = Pcm1863WireLayout.ReadWriteInBit15;
        Assert.Equal("00 00", X(Frame(board.AdcSpi, "17 00")));              // heard as "write 00h to 17h"
        Assert.Equal("00 44", X(Frame(board.AdcSpi, "8B 00")));              // its own read of 0Bh
    }

    /// <summary>Reads the frames of one DMA buffer and returns channel 1's and 2's samples.</summary>
    private static (int[] Ch1, int[] Ch2) ReadBuffer(SimBoard board)
    {
        var b = new byte[256 * 6];
        board.Audio.Read(b, 0, 256);
        var ch1 = new int[256];
        var ch2 = new int[256];
        for (int f = 0; f < 256; f++)
        {
            ch1[f] = ((b[6 * f] << 8) | (b[6 * f + 1] << 16) | (b[6 * f + 2] << 24)) >> 8;
            ch2[f] = ((b[6 * f + 3] << 8) | (b[6 * f + 4] << 16) | (b[6 * f + 5] << 24)) >> 8;
        }
        return (ch1, ch2);
    }

    private static SimBoard RunningConverter(int muteBits = 0)
    {
        var board = new SimBoard();
        board.Adc.Noiseless = true;
        Frame(board.AdcSpi, "0C 50");                                          // 06h, 07h: the differential pairs
        Frame(board.AdcSpi, "0E 50");
        Frame(board.AdcSpi, "E2 " + (0x10 | muteBits).ToString("X2"));        // 71h: high-pass on, mute bits
        board.Audio.Start(48000);
        board.AdvanceBy(SimPcm1863.LockMicroseconds + 200_000);               // locked; the high-pass settled
        while (board.Audio.Waiting > 0) ReadBuffer(board);
        return board;
    }

    [Fact]
    public void ThePcmHighPassBitDecidesWhetherDcPasses()
    {
        var board = RunningConverter();
        board.Adc.OffsetErrorVolts[0] = 0.05;                                  // 50 mV of DC at input 1
        board.AdvanceBy(2_000_000);                                            // the 1 Hz high-pass settles
        while (board.Audio.Waiting > 0) ReadBuffer(board);
        board.AdvanceBy(6_000);
        Assert.InRange(ReadBuffer(board).Ch1.Average(), -200, 200);           // HPF_EN on (reset value): DC removed
        Frame(board.AdcSpi, "E2 00");                                          // 71h: HPF_EN off
        board.AdvanceBy(100_000);
        while (board.Audio.Waiting > 0) ReadBuffer(board);
        board.AdvanceBy(6_000);
        double expected = 0.05 * 8388608 / SimPcm1863.FullScalePeakVolts;      // about 70 600 codes
        Assert.InRange(ReadBuffer(board).Ch1.Average(), expected * 0.99, expected * 1.01);
    }

    [Fact]
    public void PcmFullScaleIs42VrmsDifferential()
    {
        var board = RunningConverter();
        board.Sources[0].Kind = SourceKind.Sine;
        board.Sources[0].FrequencyHz = 1000;
        board.Sources[0].Dbu = 20 * System.Math.Log10(4.2 / 0.77459667) - 6.0206;   // half of full scale, gain 0 dB
        ReadBuffer(board);
        var (ch1, ch2) = ReadBuffer(board);
        double peak = ch1.Max(v => System.Math.Abs((double)v)) / 8388608.0;
        Assert.InRange(peak, 0.497, 0.5005);
        Assert.InRange(ch2.Max(v => System.Math.Abs(v)), 0, 20);              // input 2 terminated: the preamp's noise only
    }

    [Fact]
    public void PcmMuteBitsSilenceTheirChannel()
    {
        var board = RunningConverter(muteBits: 0x01);
        board.Sources[0].Kind = SourceKind.Sine;
        board.Sources[0].Dbu = 0;
        board.Sources[1].Kind = SourceKind.Sine;
        board.Sources[1].Dbu = 0;
        var (ch1, ch2) = ReadBuffer(board);
        Assert.All(ch1, v => Assert.Equal(0, v));
        Assert.True(ch2.Max() > 100_000);
    }

    [Fact]
    public void TheDecimationFilterIsFlatInThePassBandAndStopsBeyondIt()
    {
        foreach (double hz in new[] { 20.0, 1000, 10_000, 20_000, 21_700 })
            Assert.InRange(SimPcm1863.FilterGainDb(hz, 48000), -SimPcm1863.PassBandRippleDb, SimPcm1863.PassBandRippleDb);
        Assert.InRange(SimPcm1863.FilterGainDb(24_000, 48000), -6.1, -5.9);
        foreach (double hz in new[] { 27_840, 30_000, 47_000, 96_000 })
            Assert.Equal(-SimPcm1863.StopBandAttenuationDb, SimPcm1863.FilterGainDb(hz, 48000));
        Assert.Equal(SimPcm1863.FilterGainDb(20_000, 48000), SimPcm1863.FilterGainDb(18_375, 44100), 6);   // it scales with fS
    }

    [Fact]
    public void AToneAboveTheBandFoldsBackAttenuated()
    {
        var board = RunningConverter();
        board.Sources[0].Kind = SourceKind.Sine;
        board.Sources[0].FrequencyHz = 30_000;
        board.Sources[0].Dbu = 10;
        ReadBuffer(board);                                                    // the buffer the change fell in
        var (ch1, _) = ReadBuffer(board);
        double peak = ch1.Max(v => System.Math.Abs((double)v)) / 8388608.0;
        double expected = System.Math.Pow(10, (10 - 14.684) / 20) * System.Math.Pow(10, -SimPcm1863.StopBandAttenuationDb / 20);
        Assert.InRange(peak, expected * 0.9, expected * 1.1);
        // It shows up at 48 − 30 = 18 kHz: bin 96 of 256 at 187.5 Hz a bin holds nearly all of it.
        double Power(int bin)
        {
            double re = 0, im = 0;
            for (int i = 0; i < 256; i++) { re += ch1[i] * System.Math.Cos(2 * System.Math.PI * bin * i / 256); im += ch1[i] * System.Math.Sin(2 * System.Math.PI * bin * i / 256); }
            return re * re + im * im;
        }
        double total = Enumerable.Range(1, 127).Sum(Power);
        Assert.True(Power(96) > 0.95 * total, "the alias sits at 18 kHz");
    }

    [Fact]
    public void TheDmaRingDropsTheOldestBufferSilentlyAndAReadWaitsForItsBuffer()
    {
        var board = new SimBoard();
        board.Audio.Start(48000);
        long start = board.NowMicroseconds;
        board.AdvanceBy(20 * 5334 + 100);                                     // 20 buffers complete, nobody reads
        Assert.Equal(20, board.Audio.BuffersCompleted);
        Assert.Equal(15, board.Audio.Waiting);                                // the queue holds one fewer than the ring of 16
        Assert.Equal(5, board.Audio.BuffersDropped);
        long before = board.NowMicroseconds;
        for (int i = 0; i < 15; i++) ReadBuffer(board);                       // waiting ones: no wait
        Assert.Equal(before, board.NowMicroseconds);
        ReadBuffer(board);                                                    // the next one: waits for it to complete
        Assert.Equal(start + (long)System.Math.Ceiling(SimI2s.ClockStartMicroseconds + 21 * 256 * 1e6 / 48000), board.NowMicroseconds);
        Assert.Throws<System.ArgumentException>(() => board.Audio.Read(new byte[600], 0, 100));
        board.Audio.Stop();
        Assert.Throws<System.InvalidOperationException>(() => ReadBuffer(board));
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
