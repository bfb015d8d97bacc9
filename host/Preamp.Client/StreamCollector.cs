// Collects clean stretches of the stream for measurements: consecutive, undamaged, at the settings asked for.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace PreampFirmware.Client;

/// <summary>What a stretch of one channel measures.</summary>
public sealed record ToneMeasurement(double MeanCodes, double RmsDbfs, double PeakDbfs, double FrequencyHz, double HalvesDifferenceDb, int Samples)
{
    /// <summary>Measures samples (24-bit codes): mean, RMS of the signal without its mean, peak, zero-crossing frequency, stability.</summary>
    public static ToneMeasurement Of(int[] samples, int rate)
    {
        const double fs = 8388608.0;
        double mean = samples.Average(v => (double)v);
        double Rms(IEnumerable<int> s) { var a = s.Select(v => (v - mean) / fs).ToArray(); return a.Length == 0 ? 0 : Math.Sqrt(a.Sum(x => x * x) / a.Length); }
        double Db(double x) => x <= 0 ? -200 : 20 * Math.Log10(x);
        int half = samples.Length / 2;
        double peak = samples.Max(v => Math.Abs((double)v)) / fs;
        int crossings = 0;
        for (int i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] - mean < 0) != (samples[i] - mean < 0)) crossings++;
        }
        return new ToneMeasurement(mean, Db(Rms(samples)), Db(peak), crossings / 2.0 * rate / samples.Length,
            Math.Abs(Db(Rms(samples.Take(half))) - Db(Rms(samples.Skip(half)))), samples.Length);
    }
}

/// <summary>Gathers samples from a running stream through a <see cref="PreampLink"/>.</summary>
public sealed class StreamCollector : IDisposable
{
    /// <summary>Blocks skipped at the start of a stretch: 21 ms at 48 kHz, longer than the PGA2500's 16 ms zero-crossing timeout.</summary>
    public const int SettleBlocks = 4;

    private readonly PreampLink _link;
    private readonly object _gate = new();
    private Func<SampleBlock, bool> _accept;
    private int _wanted;
    private int _skip;
    private uint _expected;
    private bool _started;
    private List<int>[] _samples;
    private ManualResetEventSlim _done;

    /// <summary>Listens to <paramref name="link"/>'s stream.</summary>
    public StreamCollector(PreampLink link)
    {
        _link = link;
        _link.BlockReceived += OnBlock;
    }

    private void OnBlock(SampleBlock b)
    {
        lock (_gate)
        {
            if (_done == null || _done.IsSet) return;
            bool consecutive = !_started || b.Sequence == _expected;
            _expected = b.Sequence + 1;
            if (!_accept(b) || b.Damaged || (b.Flags & 1) != 0 || !consecutive)
            {
                // Not yet what was asked for, or a gap: start over so the stretch is continuous.
                _started = false;
                _samples[0].Clear();
                _samples[1].Clear();
                _skip = SettleBlocks;
                return;
            }
            _started = true;
            if (_skip > 0)
            {
                _skip--;   // let the zero-crossing gain change and the converter's filter settle
                return;
            }
            _samples[0].AddRange(b.Samples[0]);
            _samples[1].AddRange(b.Samples[1]);
            if (_samples[0].Count >= _wanted) _done.Set();
        }
    }

    /// <summary>
    /// Waits for <paramref name="frames"/> consecutive frames from blocks that <paramref name="accept"/> takes (after
    /// <see cref="SettleBlocks"/> settling blocks), and returns both channels; null on timeout.
    /// </summary>
    public int[][] Collect(int frames, Func<SampleBlock, bool> accept, TimeSpan timeout)
    {
        Begin(frames, accept);
        return Wait(timeout);
    }

    /// <summary>
    /// Starts gathering <paramref name="frames"/> frames from blocks that <paramref name="accept"/> takes and returns at
    /// once: a caller that moves the board's time itself arms the collector first, then starts the stream, then waits.
    /// </summary>
    public void Begin(int frames, Func<SampleBlock, bool> accept)
    {
        lock (_gate)
        {
            _accept = accept;
            _wanted = frames;
            _skip = SettleBlocks;
            _started = false;
            _samples = new[] { new List<int>(frames + 128), new List<int>(frames + 128) };
            _done = new ManualResetEventSlim();
        }
    }

    /// <summary>Whether the frames <see cref="Begin"/> asked for are in.</summary>
    public bool Done
    {
        get { lock (_gate) return _done != null && _done.IsSet; }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for what <see cref="Begin"/> asked for; null if it is not in by then.</summary>
    public int[][] Wait(TimeSpan timeout)
    {
        ManualResetEventSlim done;
        int frames;
        lock (_gate)
        {
            done = _done ?? throw new InvalidOperationException("Begin first");
            frames = _wanted;
        }
        if (!done.Wait(timeout)) return null;
        lock (_gate)
        {
            return new[] { _samples[0].Take(frames).ToArray(), _samples[1].Take(frames).ToArray() };
        }
    }

    /// <inheritdoc />
    public void Dispose() => _link.BlockReceived -= OnBlock;
}
