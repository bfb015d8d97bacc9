// Gain compensation on the host: undoes analog gain changes (clip safe, auto gain) in a recording, sample-accurately.
using System;
using System.Collections.Generic;

namespace PreampFirmware.Client;

/// <summary>
/// Where a stream block sits in a recording, which gain it reports for one channel, and the frame (in the recording)
/// of that channel's last gain command, or -1.
/// </summary>
public readonly record struct GainMark(long Start, int Frames, int GainDb, long CommandFrame);

/// <summary>
/// Counter-steps analog gain changes, as a console's gain compensation does. A block reports the gain commanded and
/// the frame its command came at; the PGA2500 applies it at the next zero crossing of the signal (within 16 ms),
/// which is where the samples change sign — so the change is placed there, to the sample. The result is scaled to
/// the lowest gain of the recording, so nothing exceeds full scale that did not before.
/// </summary>
public static class GainCompensation
{
    /// <summary>The PGA2500's zero-crossing timeout, s.</summary>
    public const double ZeroCrossTimeoutSeconds = 0.016;

    /// <summary>The analog gain in force at every sample.</summary>
    public static int[] GainTrack(int[] samples, IReadOnlyList<GainMark> marks, int rate)
    {
        var gain = new int[samples.Length];
        if (marks.Count == 0) return gain;
        int current = marks[0].GainDb;
        long appliedFrom = 0;
        int timeout = (int)Math.Ceiling(ZeroCrossTimeoutSeconds * rate) + 1;
        foreach (var m in marks)
        {
            if (m.GainDb == current) continue;
            long from = m.CommandFrame >= 0 ? m.CommandFrame : m.Start;   // the command may fall after this block: frames are numbered
            long at = Math.Min(from + timeout, samples.Length);
            for (long i = Math.Max(from, 1); i < Math.Min(from + timeout, samples.Length); i++)
            {
                if ((samples[i - 1] < 0) != (samples[i] < 0) || samples[i] == 0)
                {
                    at = i;
                    break;
                }
            }
            for (long i = appliedFrom; i < at && i < gain.Length; i++) gain[i] = current;
            appliedFrom = at;
            current = m.GainDb;
        }
        for (long i = appliedFrom; i < gain.Length; i++) gain[i] = current;
        return gain;
    }

    /// <summary>Compensated samples (24-bit range), referred to the lowest gain in the recording.</summary>
    public static int[] Apply(int[] samples, IReadOnlyList<GainMark> marks, int rate)
    {
        var gain = GainTrack(samples, marks, rate);
        int lowest = int.MaxValue;
        foreach (var g in gain) lowest = Math.Min(lowest, g);
        var result = new int[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            double v = samples[i] * Math.Pow(10, (lowest - gain[i]) / 20.0);
            result[i] = (int)Math.Clamp(Math.Round(v), -8388608, 8388607);
        }
        return result;
    }
}
