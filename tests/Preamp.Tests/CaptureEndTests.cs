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

    /// <summary>
    /// The converter stops 3 s into an 8 s capture: the stream goes on carrying digital zeros, every frame arrives, and
    /// yet the take is flagged by the board's own word: its -240 for the converter, and its CONVERTER condition.
    /// </summary>
    [Fact]
    public void AConverterThatStopsDuringTheCaptureFlagsTheTakeWithTheBoardsOwnError()
    {
        var transport = new VirtualTimeSimTransport();
        bool stopped = false;
        transport.Step = r =>
        {
            if (!stopped && r.Firmware.Stream.FramesSent >= 3 * 48000)
            {
                r.Faults.Set("AUDIO", "STOP");
                stopped = true;
            }
        };
        string path = Path.Combine(Directory.CreateTempSubdirectory("preamp-cap").FullName, "stopped.wav");
        using var link = new PreampLink(transport);
        link.Command("SIM:SOUR1 SINE,1000,-30;:INP1:GAIN 20");
        var result = Capture.Run(link, 8.0, path, 48000, new[] { 1, 2 });
        Assert.True(stopped);
        Assert.Equal(8 * 48000, result.Frames);
        Assert.False(result.AnyLoss);                                  // every frame came: the loss report alone would call it good
        Assert.NotNull(result.BoardFault);
        Assert.Contains(result.BoardErrors, e => e.StartsWith("-240,") && e.Contains("PCM1863"));
        Assert.Contains("-240,", result.BoardFault);
        Assert.Contains("CONVERTER", result.BoardCondition);
        Assert.Contains("CONVERTER", result.BoardFault);
    }

    /// <summary>A take that is truly silent (no source, a muted input) is a good take: silence is not a fault.</summary>
    [Fact]
    public void ASilentTakeIsAGoodTake()
    {
        using var link = new PreampLink(new VirtualTimeSimTransport());
        link.Command("SIM:SOUR1 OFF;:SIM:SOUR2 OFF;:INP2:MUTE ON");
        string path = Path.Combine(Directory.CreateTempSubdirectory("preamp-cap").FullName, "silent.wav");
        var result = Capture.Run(link, 1.0, path, 48000, new[] { 1, 2 });
        Assert.Null(result.BoardFault);
        Assert.Empty(result.BoardErrors);
        Assert.Equal("NONE", result.BoardCondition);
        Assert.False(result.AnyLoss);
        Assert.Null(result.EndedEarly);
    }
}
