// Auto gain, clip safe and host gain compensation on the simulated board.
using System;
using System.IO;
using System.Linq;
using PreampFirmware.Client;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class AutoGainTests
{
    private static double PeakDbfs(Host h, int ch) => double.Parse(h.Ask("MEAS:LEV? " + ch).Split(',')[0]);

    [Fact]
    public void AMinus50DbuToneEndsInSuccessWithPeaksAtTheTarget()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-50;:INP1:GAIN 20;:INP1:GAIN:AUTO:TIME 2;:INP1:GAIN:AUTO", 1.0);
        Assert.Equal("RUNNING", h.Ask("INP1:GAIN:AUTO:STAT?"));
        h.Run(1.3);
        Assert.Equal("SUCCESS", h.Ask("INP1:GAIN:AUTO:STAT?"));
        h.Run(0.4);
        double peak = PeakDbfs(h, 1);
        Assert.InRange(peak, -13.0, -11.0);
        Assert.Equal("53", h.Ask("INP1:GAIN?"));                 // −50 dBu + 53 dB = +3 dBu: peak −11.7 dBFS (full-scale sine +14.7 dBu)
    }

    [Fact]
    public void ALoudSourceIsMeasuredAfterTheGainDropsAtOnce()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-20;:INP1:GAIN 60;:INP1:GAIN:AUTO:TIME 2;:INP1:GAIN:AUTO", 0.1);
        Assert.True(int.Parse(h.Ask("INP1:GAIN?")) <= 50, "lowered at once on overload");
        h.Run(2.2);
        Assert.Equal("SUCCESS", h.Ask("INP1:GAIN:AUTO:STAT?"));
        Assert.Equal("23", h.Ask("INP1:GAIN?"));                 // −20 dBu + 23 dB → −11.7 dBFS peak
        h.Run(0.4);
        Assert.InRange(PeakDbfs(h, 1), -13.0, -11.0);
    }

    [Fact]
    public void TooQuietClippedAndCancelledAreTold()
    {
        var quiet = new Host();
        quiet.Ask("SIM:SOUR1 SINE,1000,-120;:INP1:GAIN:AUTO:TIME 1;:INP1:GAIN:AUTO", 1.3);
        Assert.Equal("TOO_QUIET", quiet.Ask("INP1:GAIN:AUTO:STAT?"));
        Assert.Equal("65", quiet.Ask("INP1:GAIN?"));

        var loud = new Host();
        loud.Ask("SIM:SOUR2 SINE,1000,22;:INP2:GAIN 20;:INP2:GAIN:AUTO:TIME 1;:INP2:GAIN:AUTO", 1.3);
        Assert.Equal("CLIPPED", loud.Ask("INP2:GAIN:AUTO:STAT?"));
        Assert.Equal("0", loud.Ask("INP2:GAIN?"));

        var cancelled = new Host();
        cancelled.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN:AUTO:TIME 2;:INP1:GAIN:AUTO", 0.5);
        cancelled.Ask("INP1:GAIN 33", 2.0);
        Assert.Equal("CANCELLED", cancelled.Ask("INP1:GAIN:AUTO:STAT?"));
        Assert.Equal("33", cancelled.Ask("INP1:GAIN?"));
        cancelled.Ask("INP1:GAIN:AUTO:TIME 0.1");
        Assert.StartsWith("-222,", cancelled.Ask("SYST:ERR?"));
    }

    [Fact]
    public void KnobLongPressStartsAutoGainAndTheRingChases()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN:AUTO:TIME 2;:SIM:BUTT KNOB,1200", 1.3);
        Assert.Equal("RUNNING", h.Ask("INP1:GAIN:AUTO:STAT?"));
        var rings = Enumerable.Range(0, 8).Select(_ => { h.Run(0.03); return h.Runner.Board.Leds.Ring(0); }).ToList();
        Assert.All(rings, r => Assert.Equal(1, System.Numerics.BitOperations.PopCount((uint)r)));
        Assert.True(rings.Distinct().Count() > 2, "the lit LED moves");
        Assert.Equal("0", h.Ask("INP1:MUTE?"));                   // a long press is not a mute toggle
        h.Run(2.0);
        Assert.Equal("SUCCESS", h.Ask("INP1:GAIN:AUTO:STAT?"));
    }

    [Fact]
    public void LinkedChannelsListenTogetherAndKeepTheirOffset()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-50;:SIM:SOUR2 SINE,1000,-40;:INP1:GAIN 30;:INP2:GAIN 25;:INP:LINK ON");
        h.Ask("INP1:GAIN:AUTO:TIME 1;:INP2:GAIN:AUTO:TIME 1;:INP1:GAIN:AUTO", 1.4);
        Assert.Equal("SUCCESS;SUCCESS", h.Ask("INP1:GAIN:AUTO:STAT?;:INP2:GAIN:AUTO:STAT?"));
        int g1 = int.Parse(h.Ask("INP1:GAIN?")), g2 = int.Parse(h.Ask("INP2:GAIN?"));
        Assert.Equal(5, g1 - g2);
        Assert.Equal(43, g2);                                     // the louder input sets the move: −40 dBu needs 43 dB
        Assert.Equal(48, g1);
    }

    [Fact]
    public void ClipSafeLowersWithin50MsStaysDownAndNeverRaises()
    {
        var h = new Host();
        h.Ask("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 45;:INP1:CLIP ON", 0.5);
        Assert.Equal("45", h.Ask("INP1:GAIN?"));
        long jump = h.Runner.Board.NowMicroseconds;
        h.Runner.Board.Sources[0].Dbu = -22;                      // +18 dB
        h.Run(0.05);
        Assert.True(h.Runner.Board.Pga.Latches > 0 && h.Runner.Board.Pga.LastLatchUs - jump <= 50_000, "first reduction within 50 ms");
        Assert.True(h.Runner.Firmware.Channels.Inputs[0].GainDb < 45);
        h.Run(0.55);
        Assert.True(PeakDbfs(h, 1) <= -0.5, "peak " + PeakDbfs(h, 1));
        string lowered = h.Ask("INP1:GAIN?");
        Assert.True(int.Parse(lowered) <= 35, lowered);           // −22 dBu + 35 dB would peak at −1.7 dBFS
        h.Runner.Board.Sources[0].Dbu = -40;
        h.Run(1.5);
        Assert.Equal(lowered, h.Ask("INP1:GAIN?"));
        Assert.Equal("1", h.Ask("INP1:CLIP?"));
    }

    [Fact]
    public void GainTrackSwitchesAtTheFirstZeroCrossingAfterTheCommand()
    {
        var samples = Enumerable.Range(0, 256).Select(i => (int)(1000 * Math.Sin(2 * Math.PI * (i + 0.5) / 8))).ToArray();
        // The block at 128 is the first to report 20 dB; the command came at frame 138 (blocks carry its frame number).
        var marks = new[] { new GainMark(0, 64, 30, -1), new GainMark(64, 64, 30, -1), new GainMark(128, 64, 20, 138), new GainMark(192, 64, 20, 138) };
        var track = GainCompensation.GainTrack(samples, marks, 8000);
        int first20 = Array.IndexOf(track, 20);
        Assert.Equal(140, first20);                                // command at 138; the next sign change is at sample 140
        Assert.True((samples[139] < 0) != (samples[140] < 0));
        Assert.Equal(30, track[139]);
        var compensated = GainCompensation.Apply(samples, marks, 8000);
        Assert.Equal((int)Math.Round(samples[10] * Math.Pow(10, -0.5)), compensated[10]);   // referred to the lowest gain (20)
        Assert.Equal(samples[200], compensated[200]);
    }

    [Fact]
    public void ACompensatedCaptureHidesAClipSafeGainChange()
    {
        using var link = new PreampLink(new VirtualTimeSimTransport());
        link.Command("SIM:SOUR1 SINE,1000,-39.52;:INP1:GAIN 54");   // peak −0.2 dBFS: not clipped, above clip safe's −1 dBFS
        string plain = Path.GetTempFileName(), compensated = Path.GetTempFileName();
        try
        {
            // Clip safe goes on half-way through each recording (the tone sits just under full scale, above its threshold).
            bool sent = false;
            Action<double> halfway = f => { if (f >= 0.5 && !sent) { sent = true; link.Send("INP1:CLIP ON"); } };
            var result = Capture.Run(link, 2.0, compensated, 48000, new[] { 1 }, halfway, compensate: true);
            Assert.True(result.GainRange[0].Low < 54, "clip safe lowered the gain: " + result.GainRange[0]);
            var steps = WindowSteps(compensated, 48000, skipSeconds: 0.35);
            Assert.True(steps.Max() <= 0.1, "largest RMS step in the compensated file: " + steps.Max());

            link.Command("INP1:CLIP OFF;:INP1:GAIN 54");
            sent = false;
            var plainResult = Capture.Run(link, 2.0, plain, 48000, new[] { 1 }, halfway);
            Assert.True(plainResult.GainRange[0].Low < 54);
            // Windows 20 ms apart: the 3 dB change shows whole wherever it falls in the 10 ms grid.
            Assert.True(WindowSteps(plain, 48000, skipSeconds: 0.35, apart: 2).Max() >= 2.0, "without compensation the gain change shows");
        }
        finally
        {
            File.Delete(plain);
            File.Delete(compensated);
        }
    }

    /// <summary>RMS in 10 ms windows of a mono 24-bit WAV; the differences between windows <paramref name="apart"/> apart, dB.</summary>
    private static double[] WindowSteps(string path, int rate, double skipSeconds, int apart = 1)
    {
        var bytes = File.ReadAllBytes(path);
        int n = (bytes.Length - 44) / 3;
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            int at = 44 + 3 * i;
            x[i] = ((bytes[at] << 8 | bytes[at + 1] << 16 | bytes[at + 2] << 24) >> 8) / 8388608.0;
        }
        int w = rate / 100;
        var rms = Enumerable.Range((int)(skipSeconds * rate) / w, n / w - (int)(skipSeconds * rate) / w)
            .Select(k => 10 * Math.Log10(x.Skip(k * w).Take(w).Sum(v => v * v) / w)).ToArray();
        return rms.Zip(rms.Skip(apart), (a, b) => Math.Abs(a - b)).ToArray();
    }
}

public class ResetTests
{
    [Fact]
    public void RstReturnsEverythingButTheLocksToDefaults()
    {
        var h = new Host();
        h.Ask("INP1:GAIN 40;PAD ON;CLIP ON;GAIN:AUTO:TIME 3;:INP2:PHAN:LOCK ON;:INP:LINK ON;:STR:STAR", 0.2);
        h.Ask("*RST", 0.2);
        Assert.Equal("0;0;0;10.0;0;1;0", h.Ask("INP1:GAIN?;PAD?;CLIP?;:INP1:GAIN:AUTO:TIME?;:INP:LINK?;:INP2:PHAN:LOCK?;:STR:ACT?"));
    }
}
