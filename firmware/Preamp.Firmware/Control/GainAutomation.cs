// Gain automation: auto gain and clip safe on each channel, fed by the meter and the PGA2500's overload pins.
using PreampFirmware.Drivers;
using PreampFirmware.Streaming;

namespace PreampFirmware.Control
{
    /// <summary>
    /// Runs auto gain and clip safe for both channels from the control tick and moves the gains through
    /// <see cref="Channels"/> as automation (not as a person would). A manual gain command cancels a running auto gain
    /// (on both channels when linked). After every gain change the meter's fresh peak restarts once the chip has applied
    /// it, so a decision never rests on a peak measured at the old gain.
    /// </summary>
    public sealed class GainAutomation
    {
        /// <summary>Time after a gain command until the fresh peak restarts, ms (the PGA2500's zero-crossing timeout, with margin).</summary>
        public const int GainSettleMs = 20;

        private readonly Channels _channels;
        private readonly LevelMeter _meter;
        private readonly Pga2500Chain _gain;
        private readonly AutoGain[] _autoGain = new AutoGain[Channels.Count];
        private readonly ClipSafe[] _clipSafe = new ClipSafe[Channels.Count];
        private readonly int[] _sinceGainChangeMs = new int[Channels.Count];
        private bool _quiet;

        /// <summary>Automation over <paramref name="channels"/>, reading <paramref name="meter"/> and the chain's overload pins.</summary>
        public GainAutomation(Channels channels, LevelMeter meter)
        {
            _channels = channels;
            _meter = meter;
            _gain = channels.Gain;
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                _autoGain[ch] = new AutoGain();
                _clipSafe[ch] = new ClipSafe();
                _sinceGainChangeMs[ch] = -1;
            }
            channels.GainCommanded += OnGainCommanded;
        }

        /// <summary>Auto gain of a channel (0-based).</summary>
        public AutoGain AutoGainOf(int channel) { return _autoGain[channel]; }

        /// <summary>Both channels' auto-gain status in one number (channel 1 in bits 0–3, channel 2 in 4–7): a display compares it each tick.</summary>
        public int StatusWord { get { return _autoGain[0].Status | (_autoGain[1].Status << 4); } }

        /// <summary>Clip safe of a channel (0-based).</summary>
        public ClipSafe ClipSafeOf(int channel) { return _clipSafe[channel]; }

        /// <summary>
        /// Starts auto gain on a channel (both when linked). The run listens to audio from after its hold-off only: the
        /// fresh peak restarts when the hold-off ends, so a peak from before (an earlier run, a source since switched
        /// off, audio still in the DMA ring) cannot decide it.
        /// </summary>
        public void StartAutoGain(int channel)
        {
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                if (ch == channel || _channels.Linked)
                {
                    _autoGain[ch].Start();
                    _quiet = false;
                }
            }
        }

        /// <summary>Switches clip safe on or off for a channel (both when linked).</summary>
        public void SetClipSafe(int channel, bool on)
        {
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                if (ch == channel || _channels.Linked)
                {
                    _clipSafe[ch].Enabled = on;
                    _quiet = false;
                }
            }
        }

        /// <summary>*RST: auto gain stopped with its default window and target, clip safe off.</summary>
        public void Reset()
        {
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                _autoGain[ch].Cancel();
                _autoGain[ch].WindowMs = AutoGain.DefaultWindowMs;
                _autoGain[ch].TargetDbfs = AutoGain.DefaultTargetDbfs;
                _clipSafe[ch].Enabled = false;
            }
        }

        private void OnGainCommanded(int channel, bool moved, bool manual)
        {
            if (manual)
            {
                _autoGain[channel].Cancel();
            }
            if (moved)
            {
                _sinceGainChangeMs[channel] = 0;
                _autoGain[channel].GainChanged();
                _quiet = false;
            }
        }

        /// <summary>One pass: each channel's clip safe and auto gain ask for a gain; the lower one wins.</summary>
        public void Tick(int elapsedMs)
        {
            if (_quiet)
            {
                return;
            }
            if (Idle())
            {
                _quiet = true;   // until auto gain, clip safe or a gain change starts work again
                return;
            }
            int wanted0 = Wanted(0, elapsedMs);
            int wanted1 = Wanted(1, elapsedMs);
            InputChannel[] inputs = _channels.Inputs;
            if (_channels.Linked && wanted0 >= 0 && wanted1 >= 0)
            {
                // Both want a change: move both by the smaller one so the offset is kept and neither overloads.
                int d0 = wanted0 - inputs[0].GainDb;
                int d1 = wanted1 - inputs[1].GainDb;
                _channels.MoveBoth(d0 < d1 ? d0 : d1);
                return;
            }
            if (wanted0 >= 0 && wanted0 != inputs[0].GainDb) _channels.MoveGain(0, wanted0);
            if (wanted1 >= 0 && wanted1 != inputs[1].GainDb) _channels.MoveGain(1, wanted1);
        }

        /// <summary>True when neither channel has clip safe on, auto gain running or a gain change settling: a tick has nothing to do.</summary>
        private bool Idle()
        {
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                if (_sinceGainChangeMs[ch] >= 0 || _clipSafe[ch].Enabled || _autoGain[ch].Status == AutoGainStatus.Running)
                {
                    return false;
                }
            }
            return true;
        }

        private int Wanted(int ch, int elapsedMs)
        {
            if (_sinceGainChangeMs[ch] >= 0)
            {
                _sinceGainChangeMs[ch] += elapsedMs;
                if (_sinceGainChangeMs[ch] >= GainSettleMs)
                {
                    _meter.ResetFreshPeak(ch);
                    _sinceGainChangeMs[ch] = -1;
                }
            }
            double peak = LevelMeter.ToDb(_meter.FreshPeakFraction(ch));
            bool ovr = _gain.IsOverloaded(ch);
            int gain = _channels.Inputs[ch].GainDb;
            int wanted = _clipSafe[ch].Tick(elapsedMs, peak, ovr, gain);
            bool holding = _autoGain[ch].HoldingOff;
            int auto = _autoGain[ch].Tick(elapsedMs, peak, ovr, gain);
            if (holding && !_autoGain[ch].HoldingOff)
            {
                _meter.ResetFreshPeak(ch);   // the hold-off is over: listen to what comes from now on
            }
            if (auto >= 0 && (wanted < 0 || auto < wanted))
            {
                wanted = auto;
            }
            return wanted;
        }
    }
}
