// A capture over a link that damages bits runs its whole length: damage costs the damaged blocks, never the take.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
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

    /// <summary>The RIFF chunks of a file: id and body.</summary>
    internal static List<(string Id, byte[] Body)> Chunks(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.Equal("RIFF", Encoding.ASCII.GetString(b, 0, 4));
        Assert.Equal(b.Length - 8, BitConverter.ToInt32(b, 4));
        Assert.Equal("WAVE", Encoding.ASCII.GetString(b, 8, 4));
        var chunks = new List<(string, byte[])>();
        for (int at = 12; at + 8 <= b.Length;)
        {
            int size = BitConverter.ToInt32(b, at + 4);
            chunks.Add((Encoding.ASCII.GetString(b, at, 4), b.AsSpan(at + 8, size).ToArray()));
            at += 8 + size + (size & 1);
        }
        return chunks;
    }

    /// <summary>
    /// Every range the capture filled with silence is in the file as a cue point with a label and a length (what Reaper
    /// shows as markers), and in take.wav.gaps.json beside it; together they cover exactly the frames filled.
    /// </summary>
    [Fact]
    public void EveryFilledRangeIsACuePointInTheWavAndALineInTheSidecar()
    {
        var transport = new VirtualTimeSimTransport();
        using var link = new PreampLink(transport);
        link.Command("SIM:SOUR1 SINE,1000,-30;:INP1:GAIN 20");
        foreach (var port in transport.Runner.Board.HostPorts) port.SetLinkErrors(1e-5, 5);
        string path = TempWav("marked.wav");
        var result = Capture.Run(link, 3, path, 48000, new[] { 1 });   // one channel: 3 bytes a frame, an odd data chunk is padded
        Assert.True(result.Filled.Count > 5);
        Assert.Equal(result.Timeline.SilencedFrames, result.Filled.Sum(r => r.Frames));

        var chunks = Chunks(path);
        Assert.Equal(new[] { "fmt ", "data", "cue ", "LIST" }, chunks.Select(c => c.Id));
        var data = chunks[1].Body;
        var cue = chunks[2].Body;
        int points = BitConverter.ToInt32(cue, 0);
        Assert.Equal(result.Filled.Count, points);
        var adtl = chunks[3].Body;
        Assert.Equal("adtl", Encoding.ASCII.GetString(adtl, 0, 4));
        var labels = new Dictionary<int, string>();
        var lengths = new Dictionary<int, uint>();
        for (int at = 4; at < adtl.Length;)
        {
            string id = Encoding.ASCII.GetString(adtl, at, 4);
            int size = BitConverter.ToInt32(adtl, at + 4);
            int cueId = BitConverter.ToInt32(adtl, at + 8);
            if (id == "labl") labels[cueId] = Encoding.ASCII.GetString(adtl, at + 12, size - 4).TrimEnd('\0');
            if (id == "ltxt") { lengths[cueId] = BitConverter.ToUInt32(adtl, at + 12); Assert.Equal("rgn ", Encoding.ASCII.GetString(adtl, at + 16, 4)); }
            at += 8 + size + (size & 1);
        }
        for (int i = 0; i < points; i++)
        {
            int id = BitConverter.ToInt32(cue, 4 + 24 * i);
            uint position = BitConverter.ToUInt32(cue, 4 + 24 * i + 4);
            Assert.Equal("data", Encoding.ASCII.GetString(cue, 4 + 24 * i + 8, 4));
            var range = result.Filled[i];
            Assert.Equal((uint)range.Start, position);
            Assert.Equal((uint)range.Frames, lengths[id]);
            Assert.Equal(range.Label, labels[id]);
            Assert.StartsWith("silence: ", labels[id]);
            for (long f = range.Start; f < range.Start + range.Frames; f++)      // the range is the silence it names
                Assert.True(data[3 * f] == 0 && data[3 * f + 1] == 0 && data[3 * f + 2] == 0);
        }

        Assert.Equal(FilledRanges.SidecarPath(path), result.GapsPath);
        using var json = JsonDocument.Parse(File.ReadAllText(result.GapsPath));
        var gaps = json.RootElement.GetProperty("gaps").EnumerateArray().ToList();
        Assert.Equal(points, gaps.Count);
        Assert.Equal(result.Filled[0].Start, gaps[0].GetProperty("start").GetInt64());
        Assert.Equal(result.Filled[0].Frames, gaps[0].GetProperty("frames").GetInt64());
        Assert.Equal("damaged", result.Filled.First(r => r.Cause == "damaged").Cause);
        Assert.Equal("marked.wav", json.RootElement.GetProperty("file").GetString());
        Assert.Equal(3 * 48000, json.RootElement.GetProperty("frames").GetInt64());
    }

    /// <summary>A capture that lost nothing has no markers and no sidecar (and removes a stale one of the same name).</summary>
    [Fact]
    public void ACleanCaptureHasNoMarkersAndNoSidecar()
    {
        string path = TempWav("clean.wav");
        File.WriteAllText(FilledRanges.SidecarPath(path), "{}");
        using var link = new PreampLink(new VirtualTimeSimTransport());
        var result = Capture.Run(link, 0.5, path, 48000, new[] { 1, 2 });
        Assert.Empty(result.Filled);
        Assert.Null(result.GapsPath);
        Assert.False(File.Exists(FilledRanges.SidecarPath(path)));
        Assert.Equal(new[] { "fmt ", "data" }, Chunks(path).Select(c => c.Id));
    }
}
