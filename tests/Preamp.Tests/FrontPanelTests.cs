// The front panel's LEDs and knob on the simulated board, sampled every 5 ms of board time: the auto-gain result on
// the ring, the 48V LED's refusal and ramp blinks, SIGNAL under mute, SELECTED when linked, the knob's speed steps.
using System;
using System.Collections.Generic;
using System.Linq;
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class FrontPanelTests
{
    private const double Tick = 0.005;

    private static List<int> Sample(Host h, double seconds, Func<int> read)
    {
        var values = new List<int>();
        for (int i = 0; i < (int)Math.Round(seconds / Tick); i++)
        {
            h.Run(Tick);
            values.Add(read());
        }
        return values;
    }

    /// <summary>Lengths of the runs of equal values, without the first and the last (the window cuts those).</summary>
    private static List<int> InnerRuns(IReadOnlyList<int> values)
    {
        var runs = new List<int>();
        int length = 1;
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i] == values[i - 1]) { length++; continue; }
            runs.Add(length);
            length = 1;
        }
        return runs.Skip(1).ToList();
    }

    private static void AssertBlinks(IReadOnlyList<int> values, int on, int off, int halfPeriodMs, string what)
    {
        Assert.True(values.All(v => v == on || v == off), what + ": only " + on.ToString("X") + " and " + off.ToString("X"));
        var runs = InnerRuns(values);
        Assert.True(runs.Count >= 2, what + " blinks");
        Assert.All(runs, r => Assert.Equal(halfPeriodMs / 5, r));
    }

    private static Host AutoGainEnded(string setup)
    {
        var h = new Host();
        h.Ask(setup);
        h.Run(0.1);
        while (h.Runner.Firmware.Automation.AutoGainOf(0).Status == AutoGainStatus.Running) h.Run(Tick);
        return h;
    }

    [Fact]
    public void TheAutoGainResultBlinksOnTheRingForTwoSecondsThenTheGainShows()
    {
        var success = AutoGainEnded("SIM:SOUR1 SINE,1000,-50;:INP1:GAIN 10;:INP1:GAIN:AUTO:TIME 1;:INP1:GAIN:AUTO");
        Assert.Equal("SUCCESS", success.Ask("INP1:GAIN:AUTO:STAT?"));
        int bar = Hc595LedChain.GainBar(int.Parse(success.Ask("INP1:GAIN?")));
        var ring = Sample(success, 2.5, () => success.Runner.Board.Leds.Ring(0));
        AssertBlinks(ring.Take(380).ToList(), bar, 0, FrontPanel.RampBlinkMs, "success: the new gain");
        Assert.All(ring.Skip(410), r => Assert.Equal(bar, r));

        var quiet = AutoGainEnded("SIM:SOUR1 SINE,1000,-120;:INP1:GAIN:AUTO:TIME 1;:INP1:GAIN:AUTO");
        Assert.Equal("TOO_QUIET", quiet.Ask("INP1:GAIN:AUTO:STAT?"));
        ring = Sample(quiet, 2.5, () => quiet.Runner.Board.Leds.Ring(0));
        AssertBlinks(ring.Take(380).ToList(), 0xFFFF, 0, FrontPanel.RampBlinkMs, "too quiet: the whole ring, slowly");
        Assert.All(ring.Skip(410), r => Assert.Equal(0xFFFF, r));   // 65 dB: the full bar

        var clipped = AutoGainEnded("SIM:SOUR1 SINE,1000,22;:INP1:GAIN 20;:INP1:GAIN:AUTO:TIME 1;:INP1:GAIN:AUTO");
        Assert.Equal("CLIPPED", clipped.Ask("INP1:GAIN:AUTO:STAT?"));
        ring = Sample(clipped, 2.5, () => clipped.Runner.Board.Leds.Ring(0));
        AssertBlinks(ring.Take(380).ToList(), 0xFFFF, 0, FrontPanel.FastBlinkMs, "clipped: the whole ring, fast");
        Assert.All(ring.Skip(410), r => Assert.Equal(0, r));         // 0 dB: dark
    }

    [Fact]
    public void ARefusedPhantomBlinksFastForASecondAndARampBlinksSlowlyUntilSettled()
    {
        var h = new Host();
        h.Ask("INP1:PHAN:LOCK ON;:SIM:BUTT PHAN,2300");
        h.Run(2.0 + 0.05);                                         // the hold completes at 2 s (plus debounce)
        var led = Sample(h, 1.5, () => h.Runner.Board.Leds.PhantomLed(0) ? 1 : 0);
        int lastOn = led.FindLastIndex(v => v == 1);
        AssertBlinks(led.Take(lastOn + 1).ToList(), 1, 0, FrontPanel.FastBlinkMs, "refusal");
        Assert.InRange(lastOn * 5, FrontPanel.RefusalBlinkMs - 2 * FrontPanel.FastBlinkMs, FrontPanel.RefusalBlinkMs);
        Assert.Equal("0", h.Ask("INP1:PHAN?"));

        h.Ask("INP1:PHAN:LOCK OFF;:INP1:PHAN ON");
        led = Sample(h, 2.0, () => h.Runner.Board.Leds.PhantomLed(0) ? 1 : 0);
        int settledAt = (InputChannel.MuteLeadMs + InputChannel.PhantomSettleMs) / 5;
        AssertBlinks(led.Take(settledAt - 4).ToList(), 1, 0, FrontPanel.RampBlinkMs, "ramp");
        Assert.All(led.Skip(settledAt + 4), v => Assert.Equal(1, v));
    }

    [Fact]
    public void SignalIsWhatIsRecordedAndLinkedInputsAreBothSelected()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-30;:INP1:GAIN 30", 0.3);
        Assert.True(h.Runner.Board.Leds.SignalLed(0));
        Assert.False(h.Runner.Board.Leds.SignalLed(1));
        h.Ask("INP1:MUTE ON", 0.1);
        Assert.False(h.Runner.Board.Leds.SignalLed(0), "a muted input records nothing");
        Assert.True(h.Runner.Board.Leds.SelectedLed(0));
        Assert.False(h.Runner.Board.Leds.SelectedLed(1));
        h.Ask("INP:LINK ON", 0.1);
        Assert.True(h.Runner.Board.Leds.SelectedLed(0) && h.Runner.Board.Leds.SelectedLed(1));
    }

    [Fact]
    public void DetentsReadInOneTickShareTheTimeSinceTheLastOne()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 30", 0.3);
        h.Ask("SIM:KNOB 1,10", 0.03);                                 // after a pause: 1 dB
        h.Ask("SIM:KNOB 2,1");                                        // two detents within one tick, about 30 ms after it:
        Assert.Equal("37", h.Ask("INP1:GAIN?"));                      // under 25 ms a detent each, 3 dB each
        h.Run(0.3);
        h.Ask("SIM:KNOB -1,10", 0.03);
        h.Ask("SIM:KNOB -2,1");
        Assert.Equal("30", h.Ask("INP1:GAIN?"));
    }
}
