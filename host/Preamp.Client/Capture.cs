// Records the stream to a 24-bit WAV file of exactly the requested length, with every gap filled and counted.
using System;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace PreampFirmware.Client;

/// <summary>What a capture got.</summary>
public sealed class CaptureResult
{
    /// <summary>File written.</summary>
    public string Path { get; init; }
    /// <summary>Sample rate, S/s.</summary>
    public int Rate { get; init; }
    /// <summary>Frames written.</summary>
    public long Frames { get; init; }
    /// <summary>Channels written (1-based).</summary>
    public int[] Channels { get; init; }
    /// <summary>The timeline's counters.</summary>
    public SampleTimeline Timeline { get; init; }
    /// <summary>Frames the device never sent before the capture gave up waiting (filled with silence).</summary>
    public long TailSilence { get; init; }
    /// <summary>True when the file was gain-compensated.</summary>
    public bool Compensated { get; init; }
    /// <summary>Lowest and highest analog gain seen per written channel, dB.</summary>
    public (int Low, int High)[] GainRange { get; init; }

    /// <summary>Why the recording ended before its length (the stream stopped on the device, or no audio came), or null.</summary>
    public string EndedEarly { get; init; }

    /// <summary>Frames asked for.</summary>
    public long FramesRequested { get; init; }

    /// <summary>Every range of the file filled with silence, in order, with its cause (also cue points in a WAV file).</summary>
    public System.Collections.Generic.IReadOnlyList<FilledRange> Filled { get; init; } = Array.Empty<FilledRange>();

    /// <summary>The sidecar JSON that lists <see cref="Filled"/> (take.wav.gaps.json), or null when none was written.</summary>
    public string GapsPath { get; init; }

    /// <summary>The errors the board queued for this connection during the recording (SYSTem:ERRor?), oldest first.</summary>
    public System.Collections.Generic.IReadOnlyList<string> BoardErrors { get; init; } = Array.Empty<string>();

    /// <summary>SYSTem:CONDition? once the stream stopped (NONE, or e.g. CONVERTER), or null when the answer was lost.</summary>
    public string BoardCondition { get; init; }

    /// <summary>
    /// Why the file cannot be trusted to hold what the inputs had, by the board's own word — a hardware or self-test error
    /// during the recording, or a self-test, gain chain or converter condition at its end — or null. Silence is not a
    /// fault: only what the board reports is.
    /// </summary>
    public string BoardFault { get; init; }

    /// <summary>True when any sample frame of the file is silence standing in for something lost.</summary>
    public bool AnyLoss => Timeline.AnyLoss || TailSilence > 0;

    /// <summary>The loss report printed by the tool.</summary>
    public string LossReport => AnyLoss ? "lost audio: " + Timeline.Report(TailSilence) : "nothing lost: every sample frame arrived and checked out";

    /// <summary>True when the file is not the whole recording asked for: it ended early, or its end is silence the device never sent.</summary>
    public bool Incomplete => EndedEarly != null || TailSilence > 0;
}

/// <summary>Runs a capture over a <see cref="PreampLink"/>.</summary>
public static class Capture
{
    /// <summary>
    /// Sets the rate (when given), starts the stream, writes <paramref name="seconds"/> of the chosen channels to
    /// <paramref name="path"/>, stops the stream. <paramref name="progress"/> gets the fraction done.
    /// </summary>
    public static CaptureResult Run(PreampLink link, double seconds, string path, int? rate, int[] channels, Action<double> progress = null, CancellationToken cancel = default, bool compensate = false) =>
        Run(link, seconds, (r, n, frames) => new WavWriter(path, r, n), path, rate, channels, progress, cancel, compensate, path);

    /// <summary>
    /// As the file capture, into the sink <paramref name="open"/> makes once the rate is known (rate, channels, frames
    /// expected) — a WAV or raw PCM stream on standard output, for a pipe. <paramref name="name"/> names it in the result.
    /// Every range filled with silence is marked: as cue points in a WAV file, and in a sidecar JSON beside
    /// <paramref name="audioFile"/> (when given) named by <see cref="FilledRanges.SidecarPath"/>.
    /// </summary>
    public static CaptureResult Run(PreampLink link, double seconds, Func<int, int, long, ISampleSink> open, string name, int? rate, int[] channels,
                                    Action<double> progress = null, CancellationToken cancel = default, bool compensate = false, string audioFile = null)
    {
        foreach (int c in channels)
        {
            if (c is < 1 or > 2) throw new PreampException("channels are 1 and 2, got " + c);
        }
        if (seconds <= 0) throw new PreampException("--seconds must be positive");
        link.Send("STReam:STOP");
        link.DiscardAnswers();
        if (rate.HasValue) link.Command("STReam:RATE " + rate.Value.ToString(CultureInfo.InvariantCulture));
        int actualRate = int.Parse(link.Query("STReam:RATE?"), CultureInfo.InvariantCulture);
        long target = (long)Math.Round(seconds * actualRate);
        // Through a hub the stream may already run for other clients: this capture starts with the first block it gets.
        bool joins = link.Hub != null && link.Query("STReam:ACTive?") == "1";

        var timeline = new SampleTimeline { Limit = target, JoinsRunningStream = joins };
        var filled = new FilledRanges();
        timeline.Filled += filled.Add;
        var done = new ManualResetEventSlim();
        long written = 0;
        // A plain capture streams to the file; a compensated one keeps the recording to place each gain change at
        // its zero crossing, which may be in a later frame than the one announcing it.
        var recorded = compensate ? new[] { new int[target], new int[target] } : null;
        using var wav = open(actualRate, channels.Length, target);
        var selected = new int[channels.Length][];
        var marks = new[] { new System.Collections.Generic.List<GainMark>(), new System.Collections.Generic.List<GainMark>() };
        timeline.BlockPlaced += (b, start) =>
        {
            if (start >= target) return;
            marks[0].Add(new GainMark(start, b.Frames, b.Gain1, b.GainCommand1));
            marks[1].Add(new GainMark(start, b.Frames, b.Gain2, b.GainCommand2));
        };
        timeline.Samples += (a, b, n) =>
        {
            long take = Math.Min(n, target - written);
            if (take <= 0) { done.Set(); return; }
            if (recorded != null)
            {
                Array.Copy(a, 0, recorded[0], written, take);
                Array.Copy(b, 0, recorded[1], written, take);
            }
            else
            {
                for (int i = 0; i < channels.Length; i++) selected[i] = channels[i] == 1 ? a : b;
                wav.Write(selected, 0, (int)take);
            }
            written += take;
            progress?.Invoke((double)written / target);
            if (written >= target) done.Set();
        };
        double lastBlockAt = link.Transport.Seconds;
        Action<SampleBlock> onBlock = b => { lock (timeline) { timeline.Accept(b); lastBlockAt = link.Transport.Seconds; } };
        link.BlockReceived += onBlock;
        string endedEarly = null;
        try
        {
            link.Command("STReam:STARt");
            lock (timeline) lastBlockAt = link.Transport.Seconds;
            endedEarly = WaitForTheEnd(link, done, cancel, seconds, () => { lock (timeline) return lastBlockAt; });
        }
        finally
        {
            link.BlockReceived -= onBlock;
            link.Send("STReam:STOP");
            link.Pause(100);
            link.DiscardAnswers();
        }
        // A board that sent nothing for seconds may be gone: asking it would only add time-outs to the message.
        var (boardErrors, boardCondition, boardFault) = endedEarly != null && endedEarly.StartsWith("no audio came", StringComparison.Ordinal)
            ? (new System.Collections.Generic.List<string>(), null, null) : AskTheBoard(link);
        if (wav is WavWriter file) file.Markers = filled.Ranges;
        if (endedEarly == StoppedOnTheDevice && boardErrors.Count > 0) endedEarly += " (" + string.Join("; ", boardErrors) + ")";
        long tail;
        long requested = target;
        var ranges = new (int, int)[channels.Length];
        lock (timeline)
        {
            bool truncate = cancel.IsCancellationRequested || endedEarly != null;
            tail = truncate ? 0 : target - written;
            if (truncate) target = written;
            filled.CutAt(target);
            filled.Add(written, tail, "never-sent");
            for (int i = 0; i < channels.Length; i++)
            {
                var m = marks[channels[i] - 1];
                ranges[i] = m.Count == 0 ? (0, 0) : (m.Min(x => x.GainDb), m.Max(x => x.GainDb));
            }
            if (recorded != null)
            {
                var columns = new int[channels.Length][];
                for (int i = 0; i < channels.Length; i++)
                {
                    int c = channels[i] - 1;
                    var data = recorded[c];
                    if (target < data.Length) Array.Resize(ref data, (int)target);
                    columns[i] = GainCompensation.Apply(data, marks[c], actualRate);
                }
                wav.Write(columns, 0, (int)target);
            }
            else if (tail > 0)
            {
                var zeros = new int[tail];
                for (int i = 0; i < channels.Length; i++) selected[i] = zeros;
                wav.Write(selected, 0, (int)tail);
            }
            written = target;
        }
        string summary = timeline.AnyLoss || tail > 0 ? "lost audio: " + timeline.Report(tail) : "nothing lost";
        string sidecar = audioFile == null ? null : filled.WriteSidecar(audioFile, actualRate, target, summary);
        return new CaptureResult { Path = name, Filled = filled.Ranges, GapsPath = sidecar, Rate = actualRate, Frames = target, FramesRequested = requested, Channels = channels, Timeline = timeline, TailSilence = tail,
                                   Compensated = compensate, GainRange = ranges, EndedEarly = endedEarly,
                                   BoardErrors = boardErrors, BoardCondition = boardCondition, BoardFault = boardFault };
    }

    private const string StoppedOnTheDevice = "the stream stopped on the device";

    /// <summary>Conditions of the board (SYSTem:CONDition?) under which its samples cannot be trusted.</summary>
    private static readonly string[] AudioPathConditions = { "SELFTEST", "GAINCHAIN", "CONVERTER" };

    /// <summary>
    /// What the board said about the recording, read once the stream has stopped (the link is quiet then, so a damaged
    /// answer is unlikely): every error it queued for this connection, and its conditions.
    /// </summary>
    private static (System.Collections.Generic.List<string> Errors, string Condition, string Fault) AskTheBoard(PreampLink link)
    {
        var errors = DrainErrorsTolerantly(link);
        string condition = null;
        for (int attempt = 0; attempt < 2 && condition == null; attempt++)
        {
            try
            {
                string c = link.Query("SYSTem:CONDition?");
                if (c == "NONE" || c.Split(',').All(n => n.Length > 0 && n.All(char.IsAsciiLetterOrDigit) && char.IsAsciiLetterUpper(n[0]) && !n.Any(char.IsAsciiLetterLower))) condition = c;
            }
            catch (PreampException)
            {
            }
        }
        return (errors, condition, Judge(errors, condition));
    }

    /// <summary>
    /// The verdict on a take from what the board said about it: its errors during the take (SYSTem:ERRor? answers) and
    /// its conditions at the end (SYSTem:CONDition?, null when unknown). Null for a good take, else why it is not.
    /// </summary>
    public static string Judge(System.Collections.Generic.IReadOnlyList<string> errors, string condition)
    {
        var hardware = errors.Where(e => e.StartsWith("-240,", StringComparison.Ordinal) || e.StartsWith("-330,", StringComparison.Ordinal)).ToList();
        var lasting = condition == null ? new string[0] : condition.Split(',').Where(AudioPathConditions.Contains).ToArray();
        string fault = null;
        if (hardware.Count > 0 || lasting.Length > 0)
        {
            fault = "the board reported a fault of its audio path during the recording" +
                    (hardware.Count > 0 ? ": " + string.Join("; ", hardware) : "") +
                    (lasting.Length > 0 ? (hardware.Count > 0 ? "; " : ": ") + "condition " + string.Join(",", lasting) + " at its end" : "");
        }
        return fault;
    }

    /// <summary>Seconds without a single block after which a recording is given up.</summary>
    public const double SilentLinkSeconds = 3;

    /// <summary>Seconds without a block that must back a "stream not active" answer before it is believed (one bit turns "1" into "0").</summary>
    public const double StoppedQuietSeconds = 0.5;

    /// <summary>
    /// Waits until the recording is complete or cancelled. Once a second (of the board's time) it asks whether the stream
    /// still runs on the device (only its owner can stop it, but the board stops it on a fault or a reset). It gives up
    /// when the board says the stream stopped and the blocks stopped too, or when no block came for
    /// <see cref="SilentLinkSeconds"/> — measured from the last block's arrival, never across a question whose answer a
    /// damaged link lost. A recording that has its length is complete, whatever else happened. Returns why it ended
    /// early, or null.
    /// </summary>
    private static string WaitForTheEnd(PreampLink link, ManualResetEventSlim done, CancellationToken cancel, double seconds, Func<double> lastBlockAt)
    {
        Func<double> clock = () => link.Transport.Seconds;
        double start = clock();
        double nextAsk = start + 1;
        var waits = new[] { done.WaitHandle, cancel.WaitHandle };
        double awaySince = -1, backAt = start;
        while (true)
        {
            if (WaitHandle.WaitAny(waits, TimeSpan.FromMilliseconds(10)) != WaitHandle.WaitTimeout) return null;
            double now = clock();
            // Through a hub, a board that went away is waited for: the hub reconnects, and the gap is filled and marked.
            if (link.BoardAway)
            {
                if (awaySince < 0) awaySince = now;
                continue;
            }
            if (awaySince >= 0)
            {
                start += now - awaySince;
                backAt = now;
                nextAsk = now + 1;
                awaySince = -1;
            }
            if (now - start > seconds * 2 + 5) return done.IsSet ? null : "the recording took more than twice its length";
            if (now < nextAsk) continue;
            nextAsk = now + 1;
            string active = AskActive(link);
            if (done.IsSet) return null;
            double quiet = clock() - Math.Max(lastBlockAt(), backAt);
            if (active == "0" && quiet >= StoppedQuietSeconds) return StoppedOnTheDevice;
            if (quiet >= SilentLinkSeconds) return "no audio came for " + SilentLinkSeconds.ToString(CultureInfo.InvariantCulture) + " s";
        }
    }

    /// <summary>STReam:ACTive? as "0" or "1", or null when the answer was lost or is not one of them (damaged).</summary>
    private static string AskActive(PreampLink link)
    {
        link.DiscardAnswers();   // a late answer to an earlier question must not pass for this one
        try
        {
            string a = link.Query("STReam:ACTive?");
            return a is "0" or "1" ? a : null;
        }
        catch (PreampException)
        {
            return null;
        }
    }

    /// <summary>The error queue, read until empty; an answer a damaged link lost is asked again once, then the rest is left.</summary>
    internal static System.Collections.Generic.List<string> DrainErrorsTolerantly(PreampLink link)
    {
        var errors = new System.Collections.Generic.List<string>();
        int lost = 0;
        for (int i = 0; i < 64 && lost < 2; i++)
        {
            string e;
            try { e = link.Query("SYSTem:ERRor?"); }
            catch (PreampException) { lost++; continue; }
            if (e.StartsWith("0,", StringComparison.Ordinal)) break;
            errors.Add(e);
        }
        return errors;
    }
}
