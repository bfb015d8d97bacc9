// Decimated on-device metering: peak and RMS of both channels over the last 300 ms from every D-th frame.
using System;
using PreampFirmware.Drivers;

namespace PreampFirmware.Streaming
{
    /// <summary>
    /// Level meter fed with one frame out of every <see cref="Decimation"/> (an odd factor that gives about
    /// 1 kS/s per channel, so a 1 kHz tone is not aliased to DC). Keeps ten 30 ms sub-windows of sum of squares
    /// and peak per channel; the reading covers the last 300 ms. Levels are relative to ADC full scale
    /// (a full-scale sine reads 0 dBFS peak and −3.01 dBFS RMS).
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
        private int _decimation = 7;
        private int _countdown = 1;
        private int _subLength = 34;
        private int _sub;
        private int _filled;

        /// <summary>Frames per metered frame.</summary>
        public int Decimation { get { return _decimation; } }

        /// <summary>Sets the decimation for a sample rate and clears the reading.</summary>
        public void Configure(int sampleRate)
        {
            int d = sampleRate / 1000;
            if (d < 1) d = 1;
            if (d > 1 && d % 2 == 0) d--;
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
            _filled = 0;
            _countdown = 1;
        }

        /// <summary>Offers one raw ADC frame (response, ch0, ch1, CRC); only every D-th is decoded.</summary>
        public void OfferFrame(byte[] frame, int offset)
        {
            if (--_countdown > 0)
            {
                return;
            }
            _countdown = _decimation;
            Add(Ads131m02.DecodeSample(frame, offset, 0), Ads131m02.DecodeSample(frame, offset, 1));
        }

        /// <summary>Meters a completed stream block: every D-th record, oldest first.</summary>
        public void OfferBlock(byte[] block, int frames, int stride)
        {
            int j = frames - _countdown;
            while (j >= 0)
            {
                int at = SampleStream.HeaderBytes + stride * j;
                Add(Sample(block, at), Sample(block, at + 3));
                j -= _decimation;
            }
            _countdown = -j;
        }

        private static int Sample(byte[] b, int at)
        {
            int v = (b[at] << 16) | (b[at + 1] << 8) | b[at + 2];
            return (v << 8) >> 8;
        }

        /// <summary>Adds one decimated sample pair.</summary>
        public void Add(int ch0, int ch1)
        {
            int i0 = _sub * 2;
            _sumSquares[i0] += (double)ch0 * ch0;
            _sumSquares[i0 + 1] += (double)ch1 * ch1;
            int a0 = ch0 < 0 ? -ch0 : ch0;
            int a1 = ch1 < 0 ? -ch1 : ch1;
            if (a0 > _peak[i0]) _peak[i0] = a0;
            if (a1 > _peak[i0 + 1]) _peak[i0 + 1] = a1;
            if (a0 > _freshPeak[0]) _freshPeak[0] = a0;
            if (a1 > _freshPeak[1]) _freshPeak[1] = a1;
            if (++_count[_sub] >= _subLength)
            {
                _sub = (_sub + 1) % SubWindows;
                _count[_sub] = 0;
                _sumSquares[_sub * 2] = 0;
                _sumSquares[_sub * 2 + 1] = 0;
                _peak[_sub * 2] = 0;
                _peak[_sub * 2 + 1] = 0;
                if (_filled < SubWindows) _filled++;
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
