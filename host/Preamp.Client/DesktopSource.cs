// The board as an audio input of the desktop: the live stream fed to the sound server's pipe source.
using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace PreampFirmware.Client;

/// <summary>How a desktop source ended.</summary>
public sealed class SourceResult
{
    /// <summary>Sample frames handed to the sound server (silence standing in for lost ones included).</summary>
    public long Frames { get; init; }
    /// <summary>The stream's accounting: what was lost and why.</summary>
    public SampleTimeline Timeline { get; init; }
    /// <summary>Frames the sound server did not take in time and that were dropped here.</summary>
    public long DroppedForServer { get; init; }
    /// <summary>Why it ended other than by being asked to (the board went away), or null.</summary>
    public string Lost { get; init; }
}

/// <summary>
/// Presents the board as an input of the desktop's sound server — PulseAudio, or PipeWire through its PulseAudio
/// interface — with the server's <c>module-pipe-source</c>: the source reads a FIFO that this feeds with the live
/// stream as signed 32-bit frames (the 24 bits left-justified; PulseAudio's pipe source needs reads of whole frames,
/// which 6-byte s24le frames break). Gaps in the stream become silence of exactly their length, so timing holds and the
/// loss is counted. The module is unloaded and the FIFO removed when it ends, however it ends. The samples are the raw
/// input: a gain change by clip safe or auto gain is in the signal.
/// </summary>
public sealed class DesktopSource
{
    /// <summary>Seconds without a block after which the board counts as gone.</summary>
    public const double SilentSeconds = 3;
    /// <summary>Audio that may wait for the sound server before frames are dropped, seconds (more would only add latency).</summary>
    public const double QueueSeconds = 0.2;

    /// <summary>Runs <paramref name="command"/> (pactl) and returns its output; throws <see cref="PreampException"/> with its words when it fails.</summary>
    public static string Pactl(params string[] args)
    {
        var psi = new ProcessStartInfo("pactl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new PreampException("pactl was not found: `preamp source` needs a PulseAudio or PipeWire sound server and its pactl (Debian: pulseaudio-utils)");
        }
        using (p)
        {
            var err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(10_000)) { p.Kill(); throw new PreampException("pactl " + args[0] + " did not answer within 10 s"); }
            if (p.ExitCode != 0)
            {
                string why = (err.Result + output).Trim().Split('\n').FirstOrDefault() ?? "exit code " + p.ExitCode;
                throw new PreampException(args[0] == "info" ? "no PulseAudio or PipeWire sound server is running here (pactl info: " + why + ")" : "pactl " + string.Join(' ', args) + ": " + why);
            }
            return output;
        }
    }

    /// <summary>
    /// Loads the pipe source <paramref name="name"/>, streams the board into it until <paramref name="cancel"/> or until
    /// the board goes away, then unloads it. <paramref name="started"/> is told when the source exists.
    /// </summary>
    public static SourceResult Run(PreampLink link, string name, int? rate, int[] channels, CancellationToken cancel, Action<string> started = null)
    {
        foreach (int c in channels)
        {
            if (c is < 1 or > 2) throw new PreampException("channels are 1 and 2, got " + c);
        }
        if (string.IsNullOrWhiteSpace(name) || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.')))
            throw new PreampException("--name takes letters, digits, '_', '-' and '.', got '" + name + "'");
        Pactl("info");
        if (Pactl("list", "short", "sources").Split('\n').Any(l => l.Split('\t').ElementAtOrDefault(1) == name))
            throw new PreampException("the sound server already has a source named " + name + " (another `preamp source`?); give --name");

        link.Send("STReam:STOP");
        link.DiscardAnswers();
        if (rate.HasValue) link.Command("STReam:RATE " + rate.Value.ToString(CultureInfo.InvariantCulture));
        int actualRate = int.Parse(link.Query("STReam:RATE?"), CultureInfo.InvariantCulture);

        string fifo = Path.Combine(Path.GetTempPath(), "preamp-source-" + Environment.ProcessId + "-" + name + ".fifo");
        File.Delete(fifo);
        string module = Pactl("load-module", "module-pipe-source", "source_name=" + name, "file=" + fifo, "format=s32le",
                              "rate=" + actualRate.ToString(CultureInfo.InvariantCulture), "channels=" + channels.Length.ToString(CultureInfo.InvariantCulture),
                              "source_properties=device.description=PreampFirmware").Trim();
        var queue = new BlockingCollection<int[][]>(new ConcurrentQueue<int[][]>());
        long queued = 0, written = 0, dropped = 0;
        long maxQueued = (long)(QueueSeconds * actualRate);
        var timeline = new SampleTimeline { JoinsRunningStream = link.Hub != null && link.Query("STReam:ACTive?") == "1" };
        var lastBlock = Stopwatch.StartNew();
        string lost = null;
        Exception writerFailure = null;
        Thread writer = null;
        Action<SampleBlock> onBlock = b => { lock (timeline) { timeline.Accept(b); lastBlock.Restart(); } };
        try
        {
            // The server opened the FIFO for reading when it loaded the module; writes block while it does not read.
            var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
            writer = new Thread(() =>
            {
                try
                {
                    using var sink = new RawPcmWriter(pipe, channels.Length, 4);
                    foreach (var frames in queue.GetConsumingEnumerable())
                    {
                        sink.Write(frames, 0, frames[0].Length);
                        Interlocked.Add(ref queued, -frames[0].Length);
                        Interlocked.Add(ref written, frames[0].Length);
                    }
                }
                catch (IOException e) { writerFailure = e; }
                finally { pipe.Dispose(); }
            }) { IsBackground = true, Name = "desktop source writer" };
            writer.Start();
            timeline.Samples += (a, b, n) =>
            {
                if (Interlocked.Read(ref queued) + n > maxQueued) { Interlocked.Add(ref dropped, n); return; }   // the server stopped reading
                var frames = new int[channels.Length][];
                for (int i = 0; i < channels.Length; i++) frames[i] = (channels[i] == 1 ? a : b).Take(n).ToArray();
                Interlocked.Add(ref queued, n);
                queue.Add(frames);
            };
            link.BlockReceived += onBlock;
            link.Command("STReam:STARt");
            started?.Invoke(module);
            var check = Stopwatch.StartNew();
            while (!cancel.WaitHandle.WaitOne(200))
            {
                if (writerFailure != null) { lost = "the sound server closed the source (" + writerFailure.Message + ")"; break; }
                if (link.BoardAway) { lastBlock.Restart(); continue; }   // through a hub: it reconnects, the gap becomes silence of its length
                if (lastBlock.Elapsed.TotalSeconds >= SilentSeconds) { lost = "no audio came from the board for " + SilentSeconds + " s"; break; }
                if (check.Elapsed.TotalSeconds < 1) continue;
                check.Restart();
                string active;
                try { active = link.Query("STReam:ACTive?"); }
                catch (PreampException) { active = null; }
                if (active == "0") { lost = "the stream stopped on the board"; break; }
            }
        }
        catch (IOException e) when (lost == null)
        {
            lost = "the board's link failed: " + e.Message;
        }
        finally
        {
            link.BlockReceived -= onBlock;
            try { link.Send("STReam:STOP"); } catch (Exception) { }   // the board may be gone
            queue.CompleteAdding();
            writer?.Join(2000);
            try { Pactl("unload-module", module); } catch (PreampException) { }
            File.Delete(fifo);
        }
        return new SourceResult { Frames = Interlocked.Read(ref written), Timeline = timeline, DroppedForServer = dropped, Lost = lost };
    }
}
