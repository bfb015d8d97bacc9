// The PCM1863 control-port framing search on the simulated part, which decodes SPI by its own mode and edge: each framing
// found, remembered and tried first, none found, and no probe ever leaving a harmful register value.
using System.Collections.Generic;
using System.Linq;
using PreampFirmware.Health;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using PreampFirmware.Storage;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class Pcm1863FramingTests
{
    /// <summary>A part that samples in <paramref name="mode"/> and takes R/W where <paramref name="msb"/> says.</summary>
    private static SimBoard Board(int mode, bool msb, SimFlash flash = null)
    {
        var board = new SimBoard(new SimBoardOptions { Flash = flash });
        board.Adc.SpiMode = mode;
        board.Adc.WireLayout = msb ? Pcm1863WireLayout.ReadWriteInBit15 : Pcm1863WireLayout.ReadWriteInBit8;
        return board;
    }

    /// <summary>Boots the firmware as the app does: the buses are opened, then the firmware built and booted.</summary>
    private static Preamp Boot(SimBoard board, out int result)
    {
        board.OpenBuses();
        var fw = new Preamp(board.Io);
        result = fw.Boot();
        return fw;
    }

    [Theory]
    [InlineData(new string[0], 0, "0,LSB,DOCUMENTED", "NONE")]
    [InlineData(new[] { "ADCBUS,MODE1" }, 1, "1,LSB,FOUND", "ADCMODE1")]
    [InlineData(new[] { "ADCBUS,RWMSB" }, 2, "0,MSB,FOUND", "ADCRWMSB")]
    [InlineData(new[] { "ADCBUS,MODE1", "ADCBUS,RWMSB" }, 3, "1,MSB,FOUND", "ADCMODE1,ADCRWMSB")]
    public void StartedWithAFramingFaultTheBoardBootsWorkingAndNamesTheFraming(string[] faults, int framing, string port, string condition)
    {
        var runner = new SimRunner(faults: faults);                  // what `preamp sim --fault PART,HOW` builds
        var h = new Host(runner: runner);
        Assert.Equal(0, runner.Firmware.SelfTest.Result);
        Assert.True(runner.Firmware.IsReady);
        Assert.True(runner.Board.Adc.Running, "configured in the framing it found, the part runs on the clocks");
        Assert.Equal(0x50, runner.Board.Adc.Register(0x06));
        Assert.Equal(0x50, runner.Board.Adc.Register(0x07));
        Assert.Equal(framing, runner.Firmware.Adc.Port.Framing);
        Assert.Equal(framing & 1, runner.Board.AdcSpi.Mode);
        Assert.Equal(port, h.Ask("DIAG:ADC:PORT?"));
        Assert.Equal(condition, h.Ask("SYSTem:CONDition?"));
        Assert.Equal("0", h.Ask("STAT:QUES:COND?"));                 // a framing is a name, not a fault
        Assert.Equal(faults.Length == 0 ? "NONE" : string.Join(",", faults.Select(f => f.Replace(',', ':'))), h.Ask("SIM:FAUL?"));
        Assert.StartsWith("RUN,48000,", h.Ask("DIAG:ADC:CLOC?"));
    }

    [Fact]
    public void TheFramingFoundIsRememberedAndTriedFirstNextBoot()
    {
        var documented = Board(0, false);
        Boot(documented, out _);
        long oneAttempt = documented.AdcSpi.Frames;

        var board = Board(1, false);
        Boot(board, out int first);
        Assert.Equal(0, first);
        long searched = board.AdcSpi.Frames;
        Assert.Equal(oneAttempt + 4, searched);   // two attempts failed on their known value: page write and one read each
        Assert.Equal(1, new AdcPortRecord(board.Flash).Load());

        board.PowerCycle();
        long before = board.AdcSpi.Frames;
        int opensBefore = board.AdcSpi.Opens;
        var again = Boot(board, out int second);
        Assert.Equal(0, second);
        Assert.Equal(oneAttempt, board.AdcSpi.Frames - before);   // the remembered framing answered at once
        Assert.Equal(2, board.AdcSpi.Opens - opensBefore);         // opened in mode 0 by the app, reopened once in mode 1
        Assert.Equal(1, again.Adc.Port.Framing);
    }

    [Fact]
    public void ADamagedRecordDoesNotStopTheSearch()
    {
        var board = Board(1, true);
        Boot(board, out _);
        foreach (string slot in new[] { "adcport.a", "adcport.b" })
        {
            byte[] bytes = board.Flash.ReadAll(slot);
            if (bytes == null) continue;
            bytes[bytes.Length - 1] ^= 0xFF;                         // its CRC no longer matches
            board.Flash.WriteAll(slot, bytes, bytes.Length);
        }
        Assert.Equal(AdcPortRecord.None, new AdcPortRecord(board.Flash).Load());
        board.PowerCycle();
        var fw = Boot(board, out int result);
        Assert.Equal(0, result);
        Assert.Equal(3, fw.Adc.Port.Framing);
        Assert.Equal(3, new AdcPortRecord(board.Flash).Load());      // kept again
    }

    [Fact]
    public void NoFramingAnsweringLeavesTheBoardSafeAndNamesWhatEachAttemptRead()
    {
        var board = Board(0, false);
        board.AdcSpi.Miso = MisoFault.StuckHigh;
        var fw = Boot(board, out int result);
        Assert.Equal(SelfTest.Adc, result);
        Assert.False(fw.IsReady);
        Assert.False(board.Audio.IsRunning);
        string error = fw.Errors.Pop();
        Assert.StartsWith("-330,\"Self-test failed;PCM1863 does not answer in any control-port framing", error);
        Assert.Contains("mode 0 R/W LSB: 06h read 0xFF; mode 0 R/W MSB: 0Bh read 0xFF; mode 1 R/W LSB: 06h read 0xFF; mode 1 R/W MSB: 0Bh read 0xFF", error);
        Assert.Equal("NONE,0/LSB:06h=FFh,0/MSB:0Bh=FFh,1/LSB:06h=FFh,1/MSB:0Bh=FFh", fw.Adc.Port.Describe());
        Assert.Equal(AdcPortRecord.None, new AdcPortRecord(board.Flash).Load());   // nothing to remember
    }

    /// <summary>What a probe may write before the set-up's software reset (Pcm1863Port's comment): page 0 and five inert registers.</summary>
    private static bool Harmless((int Page, int Address, int Value) w) =>
        w.Page == 0 && (w.Address == 0x00 && w.Value == 0x00 || w.Address is 0x03 or 0x06 or 0x07 or 0x0C or 0x0D);

    public static IEnumerable<object[]> EveryPartAndMemory()
    {
        for (int part = 0; part < 4; part++)
            for (int remembered = -1; remembered < 4; remembered++)
                foreach (bool warm in new[] { false, true })
                    yield return new object[] { part, remembered, warm };
    }

    [Theory]
    [MemberData(nameof(EveryPartAndMemory))]
    public void ProbingNeverLeavesAHarmfulRegisterValue(int part, int remembered, bool warm)
    {
        var board = Board(part & 1, (part & 2) != 0);
        if (warm)
        {
            Boot(board, out _);                                      // a configured part, as after a warm reset
            board.ResetProcessor();
        }
        new AdcPortRecord(board.Flash).Keep(remembered);          // -1: no record
        var log = new List<(int Page, int Address, int Value)>();
        board.Adc.WriteLog = log;
        var fw = Boot(board, out int result);
        Assert.Equal(0, result);
        Assert.Equal(part, fw.Adc.Port.Framing);
        int reset = log.FindIndex(w => w.Page == 0 && w.Address == 0x00 && w.Value == 0xFE);
        Assert.True(reset >= 0, "the set-up resets the part");
        var probing = log.Take(reset).ToList();
        Assert.All(probing, w => Assert.True(Harmless(w), "probe wrote page " + w.Page + " register " + w.Address.ToString("X2") + "h = " + w.Value.ToString("X2") + "h"));
    }
}
