// Channel control and the front panel on the simulated board: gain, relays and their sequencing, phantom lock,
// link, knob and buttons, presets, LEDs, and what survives a power cycle (including one in the middle of a write).
using System;
using System.Linq;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using PreampFirmware.Control;
using PreampFirmware.Storage;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ChannelControlTests
{
    private static string Err(Host h) => h.Ask("SYST:ERR?");

    [Fact]
    public void GainSetQueryRangeAndKeywords()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 30");
        Assert.Equal("30", h.Ask("INP1:GAIN?"));
        Assert.Equal(30, h.Runner.Board.Pga.GainDb(0) == 30 ? 30 : h.Runner.Board.Pga.GainDb(0));
        h.Ask("INP1:GAIN 5");
        Assert.StartsWith("-222,", Err(h));
        Assert.Equal("30", h.Ask("INP1:GAIN?"));
        h.Ask("INP1:GAIN 66");
        Assert.StartsWith("-222,", Err(h));
        h.Ask("INP1:GAIN UP");
        Assert.Equal("31", h.Ask("INP1:GAIN?"));
        h.Ask("INP1:GAIN MIN");
        Assert.Equal("0", h.Ask("INP1:GAIN?"));
        h.Ask("INP1:GAIN UP");
        Assert.Equal("10", h.Ask("INP1:GAIN?"));
        h.Ask("INP1:GAIN DOWN");
        Assert.Equal("0", h.Ask("INP1:GAIN?"));
        h.Ask("INP1:GAIN MAX");
        Assert.Equal("65", h.Ask("INP1:GAIN?"));
        h.Ask("inp1:gain 30;:INPut1:PAD ON");
        h.Run(0.2);
        Assert.Equal("30;1", h.Ask("INP1:GAIN?;PAD?"));
        Assert.Equal("0,\"No error\"", Err(h));
        Assert.Equal(30, h.Runner.Board.Pga.GainDb(0));
    }

    [Fact]
    public void PadAndPolarityCloseTheirRelaysThroughTheSequence()
    {
        var h = new Host();
        h.Ask("INP2:PAD ON;POL INV", 0.012);
        Assert.False(h.Runner.Board.PadRelays[1].Coil, "the channel mutes before anything moves");
        Assert.True(h.Runner.Firmware.Channels.IsMuted(1));
        h.Run(0.2);
        Assert.Equal("0,1,1", h.Ask("SIM:REL? 2"));
        Assert.Equal("1;INV", h.Ask("INP2:PAD?;POL?"));
        Assert.Equal("0,0,0", h.Ask("SIM:REL? 1"));
        Assert.True(h.Runner.Board.Leds.PadLed(1) && h.Runner.Board.Leds.PolarityLed(1));
        h.Ask("INP2:POL NORM", 0.2);
        Assert.Equal("0,1,0", h.Ask("SIM:REL? 2"));
        h.Ask("INP2:POL SIDEWAYS");
        Assert.StartsWith("-224,", Err(h));
    }

    [Fact]
    public void PhantomLockRefusesWithMinus221AndTheRelayStaysOpen()
    {
        var h = new Host();
        h.Ask("INP1:PHAN:LOCK ON;:INP1:PHAN ON", 3.0);
        Assert.StartsWith("-221,", Err(h));
        Assert.Equal("0,0,0", h.Ask("SIM:REL? 1"));
        Assert.Equal("0", h.Ask("INP1:PHAN?"));
        Assert.False(h.Runner.Board.PhantomRelays[0].Coil);
        h.Ask("INP1:PHAN:LOCK OFF;:INP1:PHAN ON");
        h.Run(0.1);
        Assert.Equal("1,0,0", h.Ask("SIM:REL? 1"));
        Assert.Equal("0", h.Ask("INP1:PHAN:SETT?"));         // still ramping: muted, 48V LED blinking
        Assert.True(h.Runner.Firmware.Channels.IsMuted(0));
        Assert.Equal(0x11, h.Runner.Board.Adc.Register(0x71));   // muted in the converter itself
        h.Run(1.6);
        Assert.Equal("1", h.Ask("INP1:PHAN:SETT?"));
        Assert.Equal(0x10, h.Runner.Board.Adc.Register(0x71));
        Assert.False(h.Runner.Firmware.Channels.IsMuted(0));
        Assert.True(h.Runner.Board.Leds.PhantomLed(0));
        h.Ask("INP1:PHAN:LOCK ON");                          // locking switches phantom off
        h.Run(0.1);
        Assert.Equal("0,0,0", h.Ask("SIM:REL? 1"));
    }

    [Fact]
    public void PhantomSwitchingNeverReachesTheStream()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 50;:STR:RATE 48000");
        h.Run(0.3);
        h.Ask("STR:STAR", 0.5);
        int before = h.Ch1.Count;
        double thump = 0;                                                // what would reach the converter unmuted, volts
        void Watch(double seconds)
        {
            for (int i = 0; i < seconds * 200; i++)
            {
                h.Run(0.005);
                thump = Math.Max(thump, Math.Abs(h.Runner.Board.Phantom[0].Transient(h.Runner.Board.NowMicroseconds)) * Math.Pow(10, 50 / 20.0));
            }
        }
        h.Ask("INP1:PHAN ON", 0.01);
        Watch(2.0);
        h.Ask("INP1:PHAN OFF", 0.01);
        Watch(2.5);
        h.Ask("STR:STOP");
        double thumpDbfs = 20 * Math.Log10(thump / SimPcm1863.FullScalePeakVolts);
        Assert.True(thumpDbfs > -20, "the thump is real: unmuted it would peak at " + thumpDbfs + " dBFS");
        Assert.True(h.Ch1.Count > before + 48000 * 4);
        Assert.False(h.Timeline.AnyLoss);
        double peak = 20 * Math.Log10(h.Ch1.Max(v => Math.Abs((double)v)) / 8388608.0);
        Assert.True(peak < -60, "stream peak " + peak + " dBFS");
    }

    [Fact]
    public void KnobButtonsAndHoldTimes()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 30;:INP2:GAIN 20");
        h.Ask("SIM:KNOB 5", 0.7);
        Assert.Equal("35", h.Ask("INP1:GAIN?"));
        h.Ask("SIM:BUTT CHAN,100", 0.3);
        h.Ask("SIM:KNOB -3", 0.5);
        Assert.Equal("17", h.Ask("INP2:GAIN?"));
        Assert.Equal("35", h.Ask("INP1:GAIN?"));
        h.Ask("SIM:BUTT PHAN,300", 0.5);
        Assert.Equal("0,0,0", h.Ask("SIM:REL? 2"));
        h.Ask("SIM:BUTT PHAN,2500", 2.7);
        Assert.Equal("1,0,0", h.Ask("SIM:REL? 2"));
        Assert.Equal("1", h.Ask("INP2:PHAN?"));
        h.Ask("SIM:BUTT KNOB,100", 0.3);
        Assert.Equal("1", h.Ask("INP2:MUTE?"));
        Assert.Equal("0", h.Ask("INP1:MUTE?"));
    }

    [Fact]
    public void FastTurnsAccelerateSlowTurnsDoNot()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 20;:SIM:KNOB 10,15", 0.5);
        Assert.True(int.Parse(h.Ask("INP1:GAIN?")) >= 45, "10 fast detents: " + h.Ask("INP1:GAIN?"));
        h.Ask("INP1:GAIN 20;:SIM:KNOB 10,120", 1.5);
        Assert.Equal("30", h.Ask("INP1:GAIN?"));
    }

    [Fact]
    public void RefusedPhantomFromThePanelBlinksTheLedFast()
    {
        var h = new Host();
        h.Ask("INP1:PHAN:LOCK ON;:SIM:BUTT PHAN,2200", 2.1);
        var states = Enumerable.Range(0, 10).Select(_ => { h.Run(0.03); return h.Runner.Board.Leds.PhantomLed(0); }).ToList();
        Assert.Contains(true, states);
        Assert.Contains(false, states);
        Assert.False(h.Runner.Board.PhantomRelays[0].Coil);
        h.Run(1.5);
        Assert.False(h.Runner.Board.Leds.PhantomLed(0));
    }

    [Fact]
    public void ChannelHoldTogglesLinkAndLinkedChannelsKeepTheirOffset()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 30;:INP2:GAIN 20");
        h.Ask("SIM:BUTT CHAN,2300", 2.5);
        Assert.Equal("1", h.Ask("INP:LINK?"));
        h.Ask("SIM:KNOB 4", 0.6);
        Assert.Equal("34;24", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
        h.Ask("INP2:GAIN 30");
        Assert.Equal("40;30", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
        h.Ask("INP1:GAIN MAX");
        Assert.Equal("65;55", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
        h.Ask("INP2:GAIN 65");                                 // would push channel 1 past 65: both stop
        Assert.Equal("65;55", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
        h.Ask("INP:LINK OFF;:INP2:GAIN 40");
        Assert.Equal("65;40", h.Ask("INP1:GAIN?;:INP2:GAIN?"));
    }

    [Fact]
    public void PresetsStoreAndRecallGainPadAndPhantomWhereTheLockAllows()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 42;PAD ON;PHAN ON;:INP2:GAIN 12;*SAV 1", 1.5);
        h.Ask("INP1:GAIN 10;PAD OFF;PHAN OFF;:INP2:GAIN 60;:INP1:PHAN:LOCK ON", 1.5);
        h.Ask("*RCL 1", 1.5);
        Assert.Equal("42;1;0;12", h.Ask("INP1:GAIN?;PAD?;PHAN?;:INP2:GAIN?"));
        Assert.Equal("0,1,0", h.Ask("SIM:REL? 1"));
        h.Ask("*RCL 3");
        Assert.StartsWith("-200,\"Execution error;preset 3 is empty", Err(h));
        h.Ask("*SAV 9");
        Assert.StartsWith("-222,", Err(h));
    }

    [Fact]
    public void GainAndLockSurviveARestartWithTheSameFlash()
    {
        var first = new Host();
        first.Ask("INP1:GAIN 44;:INP2:PHAN:LOCK ON;:INP2:PAD ON", 0.6);
        var flash = first.Runner.Board.Flash;
        var second = new Host(new SimBoardOptions { Flash = flash });
        second.Run(0.3);
        Assert.Equal("44;0;1;1", second.Ask("INP1:GAIN?;:INP2:GAIN?;:INP2:PHAN:LOCK?;:INP2:PAD?"));
        Assert.Equal(44, second.Runner.Board.Pga.GainDb(0));
        Assert.Equal("0,1,0", second.Ask("SIM:REL? 2"));
        Assert.Equal("0,\"No error\"", Err(second));
    }

    [Fact]
    public void BootRestoresPhantomWithTheSameSequencingAsAManualChange()
    {
        var first = new Host();
        first.Ask("INP1:PHAN ON", 2.0);
        var board = new SimBoardOptions { Flash = first.Runner.Board.Flash };
        var runner = new SimRunner(board);
        Assert.False(runner.Board.PhantomRelays[0].Coil);        // boot leaves every relay off
        Assert.True(runner.Firmware.Channels.IsMuted(0));
        runner.RunFor(0.01);
        Assert.False(runner.Board.PhantomRelays[0].Coil);        // still muting
        runner.RunFor(0.1);
        Assert.True(runner.Board.PhantomRelays[0].Coil);
        Assert.True(runner.Firmware.Channels.IsMuted(0));                  // settling
        runner.RunFor(1.5);
        Assert.False(runner.Firmware.Channels.IsMuted(0));
    }

    [Fact]
    public void APowerCutAtAnyStepOfASettingsWriteKeepsTheOldOrTheNewState()
    {
        const string before = "INP1:GAIN 30;:INP2:PAD ON;:INP1:POL INV;:INP2:PHAN:LOCK ON";
        const string change = "INP1:GAIN 50;:INP2:MUTE ON;:INP:LINK ON";
        // Reference: the state bytes before and after, and how many flash steps the write takes.
        var probe = new Host();
        probe.Ask(before, 0.5);
        byte[] oldState = Persist.State(probe.Runner);
        int stepsPerWrite = probe.FlashStepsOf(change, 0.5);
        byte[] newState = Persist.State(probe.Runner);
        Assert.True(stepsPerWrite >= 2);
        Assert.NotEqual(oldState, newState);

        for (int cut = 0; cut < stepsPerWrite; cut++)
        {
            var h = new Host();
            h.Ask(before, 0.5);                              // old state, saved
            h.Runner.Board.Flash.CutPowerAfterSteps = cut;
            h.Ask(change, 0.5);                              // the write of the new state dies at step `cut`: the board reboots
            Assert.Equal(1, h.Runner.Board.PowerCycles);
            h.Run(0.1);
            byte[] restored = Persist.State(h.Runner);
            Assert.True(restored.SequenceEqual(oldState) || restored.SequenceEqual(newState),
                        "cut at step " + cut + ": restored " + Convert.ToHexString(restored) + ", old " + Convert.ToHexString(oldState) + ", new " + Convert.ToHexString(newState));
            Assert.Equal(restored, Persist.Stored(h.Runner.Board.Flash, ChannelSettings.StateFile, ChannelSettings.StateTag, ChannelSettings.Version));
            Assert.Equal("0,\"No error\"", Err(h));
        }
    }

    [Fact]
    public void DamagedSettingsAreReportedAndTheBoardStartsFromDefaults()
    {
        var first = new Host();
        first.Ask("INP1:GAIN 44", 0.6);
        var flash = first.Runner.Board.Flash;
        foreach (var name in flash.Names.Where(n => n.StartsWith("state")).ToList()) flash.Corrupt(name, 14);
        var second = new Host(new SimBoardOptions { Flash = flash });
        second.Run(0.1);
        Assert.Equal("0", second.Ask("INP1:GAIN?"));
        // The board's own UART heard it at boot; a connection opened later starts clean and reads the condition.
        Assert.StartsWith("-240,\"Hardware error;saved settings are damaged", second.Runner.MainSession.Errors.Pop());
        Assert.Equal("0,\"No error\"", Err(second));
        Assert.Equal("SETTINGS", second.Ask("SYSTem:CONDition?"));
        Assert.Equal("16", second.Ask("STATus:QUEStionable:CONDition?"));
        second.Ask("INP1:GAIN 20", SettingsStore.SaveDelayMs / 1000.0 + 0.1);   // the next save writes good settings
        Assert.Equal("NONE", second.Ask("SYST:COND?"));
    }

    [Fact]
    public void LedsShowGainSignalAndClipHeldForASecond()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 65;:SIM:SOUR1 SINE,1000,-60", 0.4);
        Assert.Equal(0xFFFF, h.Runner.Board.Leds.Ring(0));
        Assert.True(h.Runner.Board.Leds.SignalLed(0));
        Assert.False(h.Runner.Board.Leds.ClipLed(0));
        h.Ask("SIM:SOUR1 SINE,1000,-40", 0.2);              // +7 dB over full scale at 65 dB
        Assert.True(h.Runner.Board.Leds.ClipLed(0));
        h.Ask("SIM:SOUR1 OFF;:INP1:GAIN 20", 0.5);
        Assert.True(h.Runner.Board.Leds.ClipLed(0), "held");
        h.Run(0.8);
        Assert.False(h.Runner.Board.Leds.ClipLed(0));
        Assert.False(h.Runner.Board.Leds.SignalLed(0));
        Assert.Equal(0x001F, h.Runner.Board.Leds.Ring(0));   // 20 dB: 5 of 16
        Assert.True(h.Runner.Board.Leds.SelectedLed(0));
        Assert.False(h.Runner.Board.Leds.SelectedLed(1));
    }
}
