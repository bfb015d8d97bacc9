// The noise floor of a terminated input: its RMS, its spectrum, and mains hum (50/60 Hz and harmonics) when it stands out.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace PreampFirmware.Client;

/// <summary>One mains harmonic that stands out of the floor.</summary>
public sealed record HumLine(double FrequencyHz, int Harmonic, double LevelDbfs, double AboveFloorDb);

/// <summary>
/// An averaged spectrum (Welch: Hann windows of <see cref="SegmentLength"/> samples, half overlapping) of one input, in
/// dBFS RMS per bin on the project's scale (RMS re full-scale DC: a full-scale sine reads −3.01 dBFS, and a sine reads
/// its own RMS level in its bin), with the input's total RMS and the mains lines found in it.
/// </summary>
public sealed class NoiseSpectrum
{
    /// <summary>Samples per FFT segment (5.9 Hz bins at 48 kHz: 50 and 60 Hz and their harmonics fall in separate bins).</summary>
    public const int SegmentLength = 8192;
    /// <summary>Highest mains harmonic looked at.</summary>
    public const int Harmonics = 10;
    /// <summary>How far a mains line must stand above the floor around it to count as hum, dB.</summary>
    public const double StandsOutDb = 10;

    private const double FullScale = 8388608.0;

    /// <summary>Frequency of each bin, Hz.</summary>
    public double[] FrequencyHz { get; private init; }
    /// <summary>Level of each bin, dBFS RMS.</summary>
    public double[] LevelDbfs { get; private init; }
    /// <summary>RMS of the input without its mean, dBFS (unweighted, the whole band).</summary>
    public double RmsDbfs { get; private init; }
    /// <summary>Sample rate, S/s.</summary>
    public int Rate { get; private init; }
    /// <summary>The mains frequency whose lines stand out (50 or 60), or 0 when none do.</summary>
    public int MainsHz { get; private init; }
    /// <summary>The mains lines that stand out, lowest first (empty when the input is clean).</summary>
    public IReadOnlyList<HumLine> Hum { get; private init; } = Array.Empty<HumLine>();

    /// <summary>What a bin of white noise of total RMS <paramref name="rmsDbfs"/> reads on this spectrum, dBFS.</summary>
    public static double WhiteNoiseBinDbfs(double rmsDbfs) => rmsDbfs + 10 * Math.Log10(2 * 1.5 / SegmentLength);   // Hann's noise bandwidth: 1.5 bins

    /// <summary>Analyses 24-bit codes of one input.</summary>
    public static NoiseSpectrum Of(int[] samples, int rate)
    {
        if (samples.Length < SegmentLength) throw new ArgumentException("need at least " + SegmentLength + " samples, got " + samples.Length);
        double mean = samples.Average(v => (double)v);
        double power = samples.Sum(v => (v - mean) / FullScale * ((v - mean) / FullScale)) / samples.Length;
        var window = new double[SegmentLength];
        double windowSum = 0;
        for (int i = 0; i < SegmentLength; i++)
        {
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / SegmentLength);
            windowSum += window[i];
        }
        int bins = SegmentLength / 2 + 1;
        var sum = new double[bins];
        int segments = 0;
        var buffer = new Complex[SegmentLength];
        for (int start = 0; start + SegmentLength <= samples.Length; start += SegmentLength / 2)
        {
            for (int i = 0; i < SegmentLength; i++) buffer[i] = new Complex((samples[start + i] - mean) / FullScale * window[i], 0);
            Fft(buffer);
            for (int k = 0; k < bins; k++) sum[k] += buffer[k].Real * buffer[k].Real + buffer[k].Imaginary * buffer[k].Imaginary;
            segments++;
        }
        // A sine of amplitude A gives |X| = A·Σw/2 in its bin; its RMS is A/√2, so RMS² = 2|X|²/(Σw)².
        var level = new double[bins];
        var freq = new double[bins];
        for (int k = 0; k < bins; k++)
        {
            double rms2 = 2 * sum[k] / segments / (windowSum * windowSum);
            level[k] = 10 * Math.Log10(Math.Max(rms2, 1e-30));
            freq[k] = k * (double)rate / SegmentLength;
        }
        var (mains, lines) = FindHum(freq, level, rate);
        return new NoiseSpectrum
        {
            FrequencyHz = freq,
            LevelDbfs = level,
            RmsDbfs = 10 * Math.Log10(Math.Max(power, 1e-30)),
            Rate = rate,
            MainsHz = mains,
            Hum = lines,
        };
    }

    /// <summary>The mains frequency (50 or 60 Hz) with more harmonics standing out, and those lines; (0, none) when neither has any.</summary>
    private static (int, IReadOnlyList<HumLine>) FindHum(double[] freq, double[] level, int rate)
    {
        double binHz = (double)rate / SegmentLength;
        List<HumLine> best = new();
        int bestMains = 0;
        foreach (int mains in new[] { 50, 60 })
        {
            var lines = new List<HumLine>();
            for (int h = 1; h <= Harmonics; h++)
            {
                double f = h * mains;
                int centre = (int)Math.Round(f / binHz);
                int peak = centre;
                for (int k = centre - 1; k <= centre + 1; k++) if (level[k] > level[peak]) peak = k;
                // The line's own peak, not the skirt of a neighbour (60 Hz's skirt reaches 50 Hz's bin): a local maximum within a bin of f.
                if (Math.Abs(freq[peak] - f) > binHz || level[peak] < level[peak - 1] || level[peak] < level[peak + 1]) continue;
                // The floor: the median of the bins within ±40 Hz, away from the line's own skirt.
                var around = new List<double>();
                int span = (int)Math.Ceiling(40 / binHz);
                for (int k = Math.Max(1, centre - span); k <= Math.Min(level.Length - 1, centre + span); k++)
                {
                    if (Math.Abs(k - centre) > 3) around.Add(level[k]);
                }
                around.Sort();
                double floor = around[around.Count / 2];
                if (level[peak] - floor > StandsOutDb) lines.Add(new HumLine(f, h, level[peak], level[peak] - floor));
            }
            // 300 Hz is the 6th of 50 and the 5th of 60: count the lines that belong to one mains only, plus the fundamental.
            int Own(List<HumLine> l, int m) => l.Count(x => x.Harmonic == 1 || (x.FrequencyHz % (m == 50 ? 60 : 50)) != 0);
            if (Own(lines, mains) > Own(best, bestMains == 0 ? 50 : bestMains)) { best = lines; bestMains = mains; }
        }
        bool hum = best.Any(l => l.Harmonic == 1) || best.Count >= 2;
        return hum ? (bestMains, best) : (0, Array.Empty<HumLine>());
    }

    /// <summary>"50 Hz mains hum: 50 Hz -108.1 dBFS (+38 dB over the floor), 100 Hz ..." or "no mains hum stands out".</summary>
    public string HumText()
    {
        if (MainsHz == 0) return "no mains hum stands out (50/60 Hz and harmonics to the " + Harmonics + "th within " + StandsOutDb.ToString("0", CultureInfo.InvariantCulture) + " dB of the floor)";
        return MainsHz + " Hz mains hum: " + string.Join(", ", Hum.Select(l => l.FrequencyHz.ToString("0", CultureInfo.InvariantCulture) + " Hz " +
            l.LevelDbfs.ToString("0.0", CultureInfo.InvariantCulture) + " dBFS (+" + l.AboveFloorDb.ToString("0", CultureInfo.InvariantCulture) + " dB over the floor)"));
    }

    /// <summary>In-place radix-2 FFT (the length a power of two).</summary>
    private static void Fft(Complex[] a)
    {
        int n = a.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) (a[i], a[j]) = (a[j], a[i]);
        }
        for (int len = 2; len <= n; len <<= 1)
        {
            double angle = -2 * Math.PI / len;
            var w = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (int i = 0; i < n; i += len)
            {
                Complex wk = Complex.One;
                for (int k = 0; k < len / 2; k++)
                {
                    Complex u = a[i + k], v = a[i + k + len / 2] * wk;
                    a[i + k] = u + v;
                    a[i + k + len / 2] = u - v;
                    wk *= w;
                }
            }
        }
    }
}
