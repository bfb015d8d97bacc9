// A capture over a link that damages bits runs its whole length: damage costs the damaged blocks, never the take.
using System.IO;
using PreampFirmware.Client;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class CaptureLinkDamageTests
{
    private static string TempWav(string name) => Path.Combine(Directory.CreateTempSubdirectory("preamp-dmg").FullName, name);

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void ACaptureOverADamagedLinkRunsItsWholeLengthAndCountsTheDamage(int seed)
    {
        var transport = new VirtualTimeSimTransport();
        using var link = new PreampLink(transport);
        link.Command("SIM:SOUR1 SINE,1000,-30;:INP1:GAIN 20");
        foreach (var port in transport.Runner.Board.HostPorts) port.SetLinkErrors(1e-5, seed);
        var result = Capture.Run(link, 10, TempWav("damaged.wav"), 48000, new[] { 1, 2 });
        Assert.Null(result.EndedEarly);
        Assert.Equal(480000, result.Frames);
        Assert.Equal(0, result.TailSilence);
        Assert.True(result.Timeline.DamagedBlocks > 0, "1e-5 over 10 s damages blocks");
        Assert.True(result.AnyLoss);
    }

    [Fact]
    public void TwoSecondsOfLinkDamageInATenSecondCaptureCostOnlyTheDamagedBlocks()
    {
        var transport = new VirtualTimeSimTransport();
        using var link = new PreampLink(transport);
        bool on = false, off = false;
        transport.Step = r =>
        {
            long t = r.Firmware.Stream.FramesSent;
            if (!on && t >= 3 * 48000) { r.Faults.Set("LINK", "DAMAGE"); on = true; }
            if (on && !off && t >= 5 * 48000) { r.Faults.Set("LINK", "OFF"); off = true; }
        };
        var result = Capture.Run(link, 10, TempWav("burst.wav"), 48000, new[] { 1, 2 });
        Assert.True(off);
        Assert.Null(result.EndedEarly);
        Assert.Equal(480000, result.Frames);
        Assert.True(result.Timeline.DamagedBlocks > 0);
    }
}
