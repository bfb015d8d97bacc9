// Where a capture filled lost frames with silence: the ranges, as WAV markers and as a sidecar JSON file.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace PreampFirmware.Client;

/// <summary>One run of silence standing in for lost frames: first frame in the file, length in frames, cause.</summary>
public sealed record FilledRange(long Start, long Frames, string Cause)
{
    /// <summary>What a marker in a DAW says, e.g. "silence: damaged on the link (256 frames)".</summary>
    public string Label => "silence: " + Describe(Cause) + " (" + Frames + " frames)";

    /// <summary>The cause in words (causes are joined by '+').</summary>
    public static string Describe(string cause) => string.Join(" + ", Array.ConvertAll(cause.Split('+'), c => c switch
    {
        "missing" => "blocks missing on the link",
        "damaged" => "damaged on the link",
        "converter" => "dropped by the converter's DMA",
        "link" => "dropped on the device for a slow link",
        "never-sent" => "never sent (the stream ended early)",
        _ => c,
    }));
}

/// <summary>
/// Collects the filled ranges of a capture in file order, joining a range to the one before it when they touch and
/// share a cause (a run of damaged blocks is one range).
/// </summary>
public sealed class FilledRanges
{
    private readonly List<FilledRange> _ranges = new();

    /// <summary>The ranges, in file order.</summary>
    public IReadOnlyList<FilledRange> Ranges => _ranges;

    /// <summary>Adds <paramref name="frames"/> filled frames from <paramref name="start"/>.</summary>
    public void Add(long start, long frames, string cause)
    {
        if (frames <= 0) return;
        if (_ranges.Count > 0)
        {
            var last = _ranges[^1];
            if (last.Cause == cause && last.Start + last.Frames == start)
            {
                _ranges[^1] = last with { Frames = last.Frames + frames };
                return;
            }
        }
        _ranges.Add(new FilledRange(start, frames, cause));
    }

    /// <summary>Drops what lies at or beyond <paramref name="frames"/> (a file cut short).</summary>
    public void CutAt(long frames)
    {
        for (int i = _ranges.Count - 1; i >= 0; i--)
        {
            var r = _ranges[i];
            if (r.Start >= frames) _ranges.RemoveAt(i);
            else if (r.Start + r.Frames > frames) _ranges[i] = r with { Frames = frames - r.Start };
        }
    }

    /// <summary>The sidecar file of a capture written to <paramref name="wavPath"/>: take.wav → take.wav.gaps.json.</summary>
    public static string SidecarPath(string wavPath) => wavPath + ".gaps.json";

    /// <summary>
    /// Writes the sidecar JSON beside <paramref name="audioPath"/> when anything was filled, and removes a stale one from an
    /// earlier take of the same name when nothing was. Returns the path written, or null.
    /// </summary>
    public string WriteSidecar(string audioPath, int rate, long frames, string summary)
    {
        string path = SidecarPath(audioPath);
        if (_ranges.Count == 0)
        {
            if (File.Exists(path)) File.Delete(path);
            return null;
        }
        var gaps = new List<object>();
        foreach (var r in _ranges)
        {
            gaps.Add(new { start = r.Start, frames = r.Frames, startSeconds = Math.Round(r.Start / (double)rate, 6), seconds = Math.Round(r.Frames / (double)rate, 6), cause = r.Cause, label = r.Label });
        }
        var doc = new { file = Path.GetFileName(audioPath), rate, frames, filledFrames = Sum(), summary, gaps };
        File.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }

    /// <summary>Frames filled in all.</summary>
    public long Sum()
    {
        long n = 0;
        foreach (var r in _ranges) n += r.Frames;
        return n;
    }
}
