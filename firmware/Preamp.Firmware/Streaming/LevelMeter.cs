// Decimated on-device metering: peak and RMS of both channels over the last 300 ms from spot samples of every block.
using System;
using PreampFirmware.Hal;

namespace PreampFirmware.Streaming
{
    /// <summary>
    /// Level meter fed with one frame out of every <see cref="Decimation"/>, picked from each block as it passes
    /// (about four frames of a 256-frame block at 48 kHz: per-block work, no loop over the samples). The stride is
    /// odd and not a multiple of 3, so it shares no factor with a tone's period in samples at 44.1/48 kHz (48 for
    /// 1 kHz at 48 kHz): successive spot samples walk through every phase of a tone and its RMS comes out right. Keeps ten 30 ms sub-windows of sum of squares and peak per
    /// channel; the reading covers the last 300 ms. Levels are relative to ADC full scale (a full-scale sine reads
    /// 0 dBFS peak and −3.01 dBFS RMS). Peaks between spot samples are missed: clipping is reported by the PGA2500's
    /// OVR pins and seen in full by the host.
    /// </summary>
    public sealed class LevelMeter
    {
        /// <summary>Sub-windows in the reading.</summary>
        public const int SubWindows = 10;
        /// <summary>Length of one sub-window, ms (10 × 30 ms = 300 ms).</summary>
        public const int SubWindowMilliseconds = 30;
        /// <summary>Reading for silence, dB.</summary>
        public const double Floor = -200.0;
        private const double FullScale = 8388608.0;

        private readonly double[] _sumSquares = new double[2 * SubWindows];
        private readonly int[] _peak = new int[2 * SubWindows];
        private readonly int[] _count = new int[SubWindows];
        private readonly int[] _freshPeak = new int[2];
        /// <summary>Spot samples per second the decimation aims at.</summary>
        public const int SpotRate = 800;

        private int _decimation = 61;
        private int _countdown = 1;
        private int _subLength = 23;
        private int _sub;

        /// <summary>Frames per metered frame.</summary>
        public int Decimation { get { return _decimation; } }

        /// <summary>Sets the decimation for a sample rate and clears the reading.</summary>
        public void Configure(int sampleRate)
        {
            int d = sampleRate / SpotRate;
            if (d < 1) d = 1;
            if (d > 1 && d % 2 == 0) d++;
            while (d > 1 && d % 3 == 0) d += 2;
            _decimation = d;
            _subLength = sampleRate / d * SubWindowMilliseconds / 1000;
            if (_subLength < 1) _subLength = 1;
            Clear();
        }

        /// <summary>Forgets the reading.</summary>
        public void Clear()
        {
            for (int i = 0; i < _sumSquares.Length; i++) { _sumSquares[i] = 0; _peak[i] = 0; }
            for (int i = 0; i < SubWindows; i++) _count[i] = 0;
            _sub = 0;
            _countdown = 1;
        }

        /// <summary>
        /// Meters a block of <paramref name="frames"/> frames at <paramref name="offset"/> (the I2S frame format: two 24-bit
        /// little-endian samples, channel 1 in <paramref name="channelOneSlot"/>): every D-th frame, oldest first, the
        /// stride carried over from block to block. The spot samples of a sub-window are summed in locals and stored
        /// once: on the ESP32's interpreter this loop is most of the per-block work, so it is kept to the bare steps.
        /// </summary>
        public void OfferBlock(byte[] block, int offset, int frames, int channelOneSlot)
        {
            int a = channelOneSlot == 0 ? offset : offset + AudioFrame.SampleBytes;
            int b = channelOneSlot == 0 ? offset + AudioFrame.SampleBytes : offset;
            int stride = AudioFrame.Bytes * _decimation;
            int end = AudioFrame.Bytes * frames;
            int at = AudioFrame.Bytes * (_countdown - 1);
            while (at < end)
            {
                int room = _subLength - _count[_sub];
                double sum0 = 0;
                double sum1 = 0;
                int peak0 = 0;
                int peak1 = 0;
                int n = 0;
                while (at < end && n < room)
                {
                    int v = ((block[a + at] << 8) | (block[a + at + 1] << 16) | (block[a + at + 2] << 24)) >> 8;
                    int w = ((block[b + at] << 8) | (block[b + at + 1] << 16) | (block[b + at + 2] << 24)) >> 8;
                    sum0 += (double)v * v;
                    sum1 += (double)w * w;
                    if (v < 0) v = -v;
                    if (w < 0) w = -w;
                    if (v > peak0) peak0 = v;
                    if (w > peak1) peak1 = w;
                    n++;
                    at += stride;
                }
                Accumulate(sum0, sum1, peak0, peak1, n);
            }
            _countdown = (at - end) / AudioFrame.Bytes + 1;
        }

        /// <summary>A 24-bit little-endian two's complement sample.</summary>
        public static int Sample(byte[] b, int at)
        {
            int v = b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
            return (v << 8) >> 8;
        }

        /// <summary>Adds one decimated sample pair.</summary>
        public void Add(int ch0, int ch1)
        {
            int a0 = ch0 < 0 ? -ch0 : ch0;
            int a1 = ch1 < 0 ? -ch1 : ch1;
            Accumulate((double)ch0 * ch0, (double)ch1 * ch1, a0, a1, 1);
        }

        /// <summary>Adds <paramref name="n"/> spot samples' sums of squares and peaks to the current sub-window (which they fit).</summary>
        private void Accumulate(double sum0, double sum1, int peak0, int peak1, int n)
        {
            int i0 = _sub * 2;
            _sumSquares[i0] += sum0;
            _sumSquares[i0 + 1] += sum1;
            if (peak0 > _peak[i0]) _peak[i0] = peak0;
            if (peak1 > _peak[i0 + 1]) _peak[i0 + 1] = peak1;
            if (peak0 > _freshPeak[0]) _freshPeak[0] = peak0;
            if (peak1 > _freshPeak[1]) _freshPeak[1] = peak1;
            _count[_sub] += n;
            if (_count[_sub] >= _subLength)
            {
                _sub = (_sub + 1) % SubWindows;
                _count[_sub] = 0;
                _sumSquares[_sub * 2] = 0;
                _sumSquares[_sub * 2 + 1] = 0;
                _peak[_sub * 2] = 0;
                _peak[_sub * 2 + 1] = 0;
            }
        }

        /// <summary>Largest |sample| of a channel in the window, as a fraction of full scale.</summary>
        public double PeakFraction(int channel)
        {
            int peak = 0;
            for (int s = 0; s < SubWindows; s++)
            {
                if (_peak[s * 2 + channel] > peak) peak = _peak[s * 2 + channel];
            }
            return peak / FullScale;
        }

        /// <summary>Largest |sample| of a channel in the current and the previous sub-window (the last 30–60 ms), as a fraction of full scale.</summary>
        public double RecentPeakFraction(int channel)
        {
            int previous = (_sub + SubWindows - 1) % SubWindows;
            int a = _peak[_sub * 2 + channel];
            int b = _peak[previous * 2 + channel];
            return (a > b ? a : b) / FullScale;
        }

        /// <summary>Largest |sample| of a channel since <see cref="ResetFreshPeak"/>, as a fraction of full scale.</summary>
        public double FreshPeakFraction(int channel)
        {
            return _freshPeak[channel] / FullScale;
        }

        /// <summary>Starts a channel's fresh peak again (after a gain change has taken effect).</summary>
        public void ResetFreshPeak(int channel)
        {
            _freshPeak[channel] = 0;
        }

        /// <summary>RMS of a channel over the window, as a fraction of full scale.</summary>
        public double RmsFraction(int channel)
        {
            double sum = 0;
            int n = 0;
            for (int s = 0; s < SubWindows; s++)
            {
                sum += _sumSquares[s * 2 + channel];
                n += _count[s];
            }
            return n == 0 ? 0 : Math.Sqrt(sum / n) / FullScale;
        }

        /// <summary>Peak level of a channel, dBFS.</summary>
        public double PeakDbfs(int channel) { return ToDb(PeakFraction(channel)); }

        /// <summary>RMS level of a channel, dBFS (full-scale sine = −3.01).</summary>
        public double RmsDbfs(int channel) { return ToDb(RmsFraction(channel)); }

        /// <summary>20·log10 of a fraction, floored at <see cref="Floor"/>.</summary>
        public static double ToDb(double fraction)
        {
            if (fraction <= 0) return Floor;
            double db = 20.0 * Math.Log10(fraction);
            return db < Floor ? Floor : db;
        }
    }
}
