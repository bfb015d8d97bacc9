// Decimated on-device metering: peak and RMS of both channels over the last 300 ms from spot samples of every block.
using System;
using PreampFirmware.Hal;

namespace PreampFirmware.Streaming
{
    /// <summary>
    /// Level meter fed with one frame out of every <see cref="Decimation"/>, picked from each block as it passes
    /// (about five frames of a 1024-frame block at 48 kHz: per-block work, no loop over the samples). The stride is
    /// odd and not a multiple of 3, so it shares no factor with a tone's period in samples at 44.1/48 kHz (48 for
    /// 1 kHz at 48 kHz), and chosen per rate so that successive spot samples walk evenly through the phases of a tone
    /// and its RMS comes out right (<see cref="DecimationFor"/>). Keeps ten 30 ms sub-windows of sum of squares and peak per
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
        private readonly int[] _recentPeak = new int[2];   // the current and the previous sub-window, kept as they change
        private int _signalCounts = int.MaxValue;
        private int _clipCounts = int.MaxValue;
        private int _thresholdBits;
        /// <summary>Spot samples per second the decimation aims at: about five a block of 1024 frames at 48 kHz.</summary>
        public const int SpotRate = 230;

        private int _decimation = 205;
        private int _countdown = 1;
        private int _subLength = 7;
        private int _sub;
        private int _correction;   // SampleFraming's correction in force: 0 (none) keeps the plain loop

        /// <summary>
        /// The framing correction the spot samples take (<see cref="SampleFraming.ByteSwap"/>, <see cref="SampleFraming.BitReverse"/>,
        /// or 0 for none), so the meter, clip safe, auto gain and the panel read the converter's values. Set by a framing check.
        /// </summary>
        public int Correction { get { return _correction; } set { _correction = value; } }

        /// <summary>Frames per metered frame.</summary>
        public int Decimation { get { return _decimation; } }

        /// <summary>Spot samples in a 30 ms sub-window at the configured rate.</summary>
        public int SpotsPerSubWindow { get { return _subLength; } }

        /// <summary>Sets the decimation for a sample rate and clears the reading.</summary>
        public void Configure(int sampleRate)
        {
            int d = DecimationFor(sampleRate);
            _decimation = d;
            _subLength = sampleRate / d * SubWindowMilliseconds / 1000;
            if (_subLength < 1) _subLength = 1;
            Clear();
        }

        /// <summary>
        /// Frames per spot sample at <paramref name="sampleRate"/>: near rate / <see cref="SpotRate"/>, odd and not a multiple
        /// of 3, and for the converter's rates the stride whose spot samples of a steady tone read its RMS most truly over
        /// the 300 ms window (worked out for tones from 50 Hz to 0.45 fS: within 0.16 dB; at 48 kHz 0.11 dB, 1 kHz 0.01 dB).
        /// A stride that is nearly a multiple of a tone's half period would sample few of its phases.
        /// </summary>
        public static int DecimationFor(int sampleRate)
        {
            switch (sampleRate)
            {
                case 16000: return 67;
                case 32000: return 151;
                case 44100: return 187;
                case 48000: return 205;
                case 88200: return 389;
                case 96000: return 443;
            }
            int d = sampleRate / SpotRate;
            if (d < 1) d = 1;
            if (d > 1 && d % 2 == 0) d++;
            while (d > 1 && d % 3 == 0) d += 2;
            return d;
        }

        /// <summary>Forgets the reading.</summary>
        public void Clear()
        {
            for (int i = 0; i < _sumSquares.Length; i++) { _sumSquares[i] = 0; _peak[i] = 0; }
            for (int i = 0; i < SubWindows; i++) _count[i] = 0;
            _recentPeak[0] = 0;
            _recentPeak[1] = 0;
            _thresholdBits = 0;
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
            if (_correction != 0)
            {
                OfferCorrected(block, offset, frames, channelOneSlot);
                return;
            }
            int a = channelOneSlot == 0 ? offset : offset + AudioFrame.SampleBytes;
            int d = channelOneSlot == 0 ? AudioFrame.SampleBytes : -AudioFrame.SampleBytes;   // from channel 1's sample to channel 2's
            int stride = AudioFrame.Bytes * _decimation;
            int end = a + AudioFrame.Bytes * frames;
            int p = a + AudioFrame.Bytes * (_countdown - 1);
            while (p < end)
            {
                int room = _subLength - _count[_sub];
                int stop = p + room * stride;   // where this sub-window ends, if the block reaches it
                if (stop > end) stop = end;
                int first = p;
                double sum0 = 0;
                double sum1 = 0;
                int peak0 = 0;
                int peak1 = 0;
                while (p < stop)
                {
                    int v = ((block[p] << 8) | (block[p + 1] << 16) | (block[p + 2] << 24)) >> 8;
                    int q = p + d;
                    int w = ((block[q] << 8) | (block[q + 1] << 16) | (block[q + 2] << 24)) >> 8;
                    sum0 += (double)v * v;
                    sum1 += (double)w * w;
                    if (v < 0) v = -v;
                    if (w < 0) w = -w;
                    if (v > peak0) peak0 = v;
                    if (w > peak1) peak1 = w;
                    p += stride;
                }
                Accumulate(sum0, sum1, peak0, peak1, (p - first) / stride);
            }
            _countdown = (p - end) / AudioFrame.Bytes + 1;
        }

        /// <summary>
        /// <see cref="OfferBlock"/> for samples that arrive byte-swapped or bit-reversed: the same spot samples, each
        /// with the framing undone (a few operations per spot sample, only while the framing is wrong).
        /// </summary>
        private void OfferCorrected(byte[] block, int offset, int frames, int channelOneSlot)
        {
            int a = channelOneSlot == 0 ? offset : offset + AudioFrame.SampleBytes;
            int d = channelOneSlot == 0 ? AudioFrame.SampleBytes : -AudioFrame.SampleBytes;
            int stride = AudioFrame.Bytes * _decimation;
            int end = a + AudioFrame.Bytes * frames;
            int p = a + AudioFrame.Bytes * (_countdown - 1);
            while (p < end)
            {
                int room = _subLength - _count[_sub];
                int stop = p + room * stride;
                if (stop > end) stop = end;
                int first = p;
                double sum0 = 0;
                double sum1 = 0;
                int peak0 = 0;
                int peak1 = 0;
                while (p < stop)
                {
                    int v = SampleFraming.Undo(block[p] | (block[p + 1] << 8) | (block[p + 2] << 16), _correction);
                    int q = p + d;
                    int w = SampleFraming.Undo(block[q] | (block[q + 1] << 8) | (block[q + 2] << 16), _correction);
                    sum0 += (double)v * v;
                    sum1 += (double)w * w;
                    if (v < 0) v = -v;
                    if (w < 0) w = -w;
                    if (v > peak0) peak0 = v;
                    if (w > peak1) peak1 = w;
                    p += stride;
                }
                Accumulate(sum0, sum1, peak0, peak1, (p - first) / stride);
            }
            _countdown = (p - end) / AudioFrame.Bytes + 1;
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
            bool moved = false;
            if (peak0 > _recentPeak[0]) { _recentPeak[0] = peak0; moved = true; }
            if (peak1 > _recentPeak[1]) { _recentPeak[1] = peak1; moved = true; }
            _count[_sub] += n;
            if (_count[_sub] >= _subLength)
            {
                moved = true;
                _recentPeak[0] = _peak[i0];   // the sub-window just finished becomes the previous one
                _recentPeak[1] = _peak[i0 + 1];
                _sub = (_sub + 1) % SubWindows;
                _count[_sub] = 0;
                _sumSquares[_sub * 2] = 0;
                _sumSquares[_sub * 2 + 1] = 0;
                _peak[_sub * 2] = 0;
                _peak[_sub * 2 + 1] = 0;
            }
            if (moved)
            {
                UpdateThresholdBits();
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
            return _recentPeak[channel] / FullScale;
        }

        /// <summary>
        /// Largest |sample| of a channel in the current and the previous sub-window, in converter counts (full scale
        /// 8 388 608): for comparisons against a threshold in counts, with no logarithm.
        /// </summary>
        public int RecentPeak(int channel)
        {
            return _recentPeak[channel];
        }

        /// <summary>Sets the two thresholds of <see cref="ThresholdBits"/>, dBFS peak (a display's SIGNAL and CLIP).</summary>
        public void SetThresholds(double signalDbfs, double clipDbfs)
        {
            _signalCounts = CountsAt(signalDbfs);
            _clipCounts = CountsAt(clipDbfs);
            UpdateThresholdBits();
        }

        /// <summary>
        /// Where the recent peaks stand against the thresholds, kept as the peaks change: per channel b0 above the signal
        /// threshold, b1 at or above the clip threshold (bits 2 and 3 for channel 2). A display asks every tick; this is one
        /// field read.
        /// </summary>
        public int ThresholdBits { get { return _thresholdBits; } }

        private void UpdateThresholdBits()
        {
            int bits = 0;
            for (int ch = 0; ch < 2; ch++)
            {
                int peak = _recentPeak[ch];
                if (peak > _signalCounts) bits |= 1 << (2 * ch);
                if (peak >= _clipCounts) bits |= 2 << (2 * ch);
            }
            _thresholdBits = bits;
        }

        /// <summary>A level in dBFS as a peak in converter counts (full scale 8 388 608).</summary>
        public static int CountsAt(double dbfs)
        {
            return (int)(FullScale * Math.Pow(10, dbfs / 20.0));
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
