// A capture whose stream ends before its length says so and is not a success.
using System.IO;
using PreampFirmware.Client;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class CaptureEndTests
{
    [Fact]
    public void AStreamTheBoardStopsEndsTheCaptureEarlyAndTheFileHoldsWhatCame()
    {
        var transport = new VirtualTimeSimTransport();
        bool stopped = false;
        transport.Step = r =>
        {
            if (!stopped && r.Firmware.Stream.FramesSent >= 24000)
            {
                r.Firmware.StreamLink.Stop();                // the board ends it (a fault, a reset), not the owner
                stopped = true;
            }
        };
        string path = Path.Combine(Directory.CreateTempSubdirectory("preamp-cap").FullName, "short.wav");
        using var link = new PreampLink(transport);
        var result = Capture.Run(link, 2.0, path, 48000, new[] { 1, 2 });
        Assert.NotNull(result.EndedEarly);
        Assert.StartsWith("the stream stopped on the device", result.EndedEarly);
        Assert.True(result.Incomplete);
        Assert.Equal(96000, result.FramesRequested);
        Assert.InRange(result.Frames, 24000, 26000);
        Assert.Equal(44 + result.Frames * 6, new FileInfo(path).Length);   // what came, not padded to 2 s
    }

    [Fact]
    public void ACompleteCaptureIsNotIncomplete()
    {
        using var link = new PreampLink(new VirtualTimeSimTransport());
        string path = Path.Combine(Directory.CreateTempSubdirectory("preamp-cap").FullName, "whole.wav");
        var result = Capture.Run(link, 0.5, path, 48000, new[] { 1 });
        Assert.Null(result.EndedEarly);
        Assert.False(result.Incomplete);
        Assert.Equal(24000, result.Frames);
    }
}
