// The analog chain of the simulated board, computed a block of sample instants at a time.
using System;

namespace PreampFirmware.Sim;

/// <summary>
/// Source → pad relay → polarity relay → phantom transient → PGA2500 (gain with its error, zero-crossing rule,
/// clipping, OVR) → volts at the PCM1863's inputs, at each sample instant. The converter's decimation filter is
/// applied to what enters the chain: a tone is generated with the filter's gain at its frequency, so a tone above
/// fS/2 comes out attenuated and folded, as from the real chip (the filter's group delay and its smoothing of a
/// gain step are not modelled); noise is white in the converter's band. Tones are rotated phasors re-anchored to
/// absolute time at every block, so phase never drifts and no transcendental is evaluated per sample.
/// </summary>
public sealed class SimAnalogChain
{
    private readonly SimBoard _board;
    private readonly NoiseRandom _einNoise;
    private readonly NoiseRandom _sourceNoise;
    private readonly double[][] _out = { new double[SimI2s.DefaultFramesPerBuffer], new double[SimI2s.DefaultFramesPerBuffer] };
    private readonly double[][] _gainFactor = new double[2][];
    private readonly double[] _padFactor = new double[2];

    internal SimAnalogChain(SimBoard board, int noiseSeed)
    {
        _board = board;
        _einNoise = new NoiseRandom(noiseSeed * 7919 + 1);
        _sourceNoise = new NoiseRandom(noiseSeed * 104729 + 3);
        for (int c = 0; c < 2; c++)
        {
            _gainFactor[c] = new double[66];
            for (int g = 0; g <= 65; g++) _gainFactor[c][g] = Math.Pow(10, (g + board.Errors.GainStepDb[c][g]) / 20);
            _padFactor[c] = Math.Pow(10, -(20 + board.Errors.PadDb[c]) / 20);
        }
    }

    /// <summary>The clocks restarted: nothing to carry over (tones are anchored to absolute time).</summary>
    internal void Restart()
    {
    }

    /// <summary>
    /// Voltages at both converter inputs for <paramref name="frames"/> instants from <paramref name="startUs"/>, one
    /// every <paramref name="periodUs"/>, for a converter at <paramref name="rate"/>. The arrays are reused.
    /// </summary>
    internal double[][] Render(double startUs, double periodUs, int frames, int rate)
    {
        if (_out[0].Length < frames)
        {
            _out[0] = new double[frames];
            _out[1] = new double[frames];
        }
        for (int ch = 0; ch < 2; ch++) RenderChannel(ch, startUs, periodUs, frames, rate, _out[ch]);
        return _out;
    }

    private void RenderChannel(int ch, double startUs, double periodUs, int frames, int rate, double[] v)
    {
        var source = _board.Sources[ch];
        // The source, as the converter's filter passes it.
        switch (source.Kind)
        {
            case SourceKind.Sine:
            {
                double amplitude = source.PeakVolts * SimPcm1863.FilterGain(source.FrequencyHz, rate);
                double cycles = source.FrequencyHz * startUs * 1e-6;
                double phase = 2 * Math.PI * (cycles - Math.Floor(cycles));
                double step = 2 * Math.PI * source.FrequencyHz * periodUs * 1e-6;
                double c = Math.Cos(phase), s = Math.Sin(phase), dc = Math.Cos(step), ds = Math.Sin(step);
                for (int i = 0; i < frames; i++)
                {
                    v[i] = amplitude * s;
                    double nc = c * dc - s * ds;
                    s = s * dc + c * ds;
                    c = nc;
                }
                break;
            }
            case SourceKind.Hum:
            {
                // A few tones summed sample by sample: only a hum test uses it, so plain sines are cheap enough.
                Array.Clear(v, 0, frames);
                for (int k = 1; k <= SimSource.HumHarmonicsDb.Length; k++)
                {
                    double hz = k * source.FrequencyHz;
                    double amplitude = source.PeakVolts * Math.Pow(10, SimSource.HumHarmonicsDb[k - 1] / 20) * SimPcm1863.FilterGain(hz, rate);
                    double cycles = hz * startUs * 1e-6;
                    double phase = 2 * Math.PI * (cycles - Math.Floor(cycles));
                    double step = 2 * Math.PI * hz * periodUs * 1e-6;
                    for (int i = 0; i < frames; i++) v[i] += amplitude * Math.Sin(phase + step * i);
                }
                break;
            }
            case SourceKind.Noise:
                for (int i = 0; i < frames; i++) v[i] = source.RmsVolts * NormalTable.Next(_sourceNoise);
                break;
            default:
                Array.Clear(v, 0, frames);
                break;
        }
        var pad = _board.PadRelays[ch];
        var polarity = _board.PolarityRelays[ch];
        var phantom = _board.Phantom[ch];
        var pga = _board.Pga;
        double[] gainFactor = _gainFactor[ch];
        double clip = SimBoard.PgaClipVolts;
        bool overloaded = false;
        for (int i = 0; i < frames; i++)
        {
            double t = startUs + i * periodUs;
            long tUs = (long)t;
            double x = v[i] + SimBoard.EinVolts * NormalTable.Next(_einNoise);
            if (pad.Contact) x *= _padFactor[ch];
            if (polarity.Contact) x = -x;
            x += phantom.Transient(tUs);
            int gainDb = pga.StepGain(ch, x, tUs);
            double y = x * gainFactor[gainDb];
            if (y > clip) y = clip;
            else if (y < -clip) y = -clip;
            overloaded |= pga.IsOverload(ch, y);
            v[i] = y;
        }
        pga.SetOverload(ch, overloaded);
    }
}
