// The two input channels: what the user asked for (gain, pad, polarity, mute, phantom, lock, link, selection), applied
// to the PGA2500 chain and the relays with the relay sequencer.
using PreampFirmware.Drivers;

namespace PreampFirmware.Control
{
    /// <summary>
    /// Called when a channel's gain is commanded: <paramref name="moved"/> when the gain changed (a new word went to the
    /// chip), <paramref name="manual"/> when a person asked for it (false for gain automation).
    /// </summary>
    public delegate void GainCommandHandler(int channel, bool moved, bool manual);

    /// <summary>Called when anything the settings keep has changed.</summary>
    public delegate void SettingsChangedHandler();

    /// <summary>
    /// Owns the channels' wanted state and the PGA2500 words that carry it. Gains are written at once (the chips apply
    /// them at a zero crossing); relay changes go through each channel's sequencer (mute, switch, settle, unmute);
    /// linked channels move together and keep their gain offset in dB. Ticked with elapsed milliseconds; reads no clock.
    /// </summary>
    public sealed class Channels
    {
        /// <summary>Number of input channels.</summary>
        public const int Count = 2;

        private readonly Pga2500Chain _gain;
        private readonly ChannelRelays[] _relays;
        private readonly InputChannel[] _inputs = new InputChannel[Count];
        private bool _linked;
        private int _selected;
        private bool _ready;
        private int _version;
        private int _bitsVersion = -1;
        private int _restingVersion = -1;
        private int _muteBits;
        private int _relayBits;
        private bool _clamped;

        /// <summary>Raised when a gain command goes to the chain (the stream marks the frame; automation restarts its peak).</summary>
        public event GainCommandHandler GainCommanded;

        /// <summary>Raised when a setting the board keeps across power cycles changed.</summary>
        public event SettingsChangedHandler Changed;

        /// <summary>Channels over the PGA2500 chain <paramref name="gain"/> and each channel's relays.</summary>
        public Channels(Pga2500Chain gain, ChannelRelays[] relays)
        {
            _gain = gain;
            _relays = relays;
            for (int ch = 0; ch < Count; ch++)
            {
                _inputs[ch] = new InputChannel(relays[ch]);
            }
        }

        /// <summary>The channels (what was asked for, and their sequencers).</summary>
        public InputChannel[] Inputs { get { return _inputs; } }

        /// <summary>The relays of each channel.</summary>
        public ChannelRelays[] Relays { get { return _relays; } }

        /// <summary>The PGA2500 chain the gains go to.</summary>
        public Pga2500Chain Gain { get { return _gain; } }

        /// <summary>True when the channels are linked (gain and mute move together).</summary>
        public bool Linked { get { return _linked; } }

        /// <summary>Channel the knob works on (0-based).</summary>
        public int Selected { get { return _selected; } }

        /// <summary>False until the board has booted and passed its self-test: until then every channel is muted.</summary>
        public bool Ready { get { return _ready; } set { _ready = value; _version++; } }

        /// <summary>
        /// Counts every change of what a person can see of the channels (wanted state, relays switched or settled, mute,
        /// selection, link, readiness): a display redraws only when it moved.
        /// </summary>
        public int Version { get { return _version; } }

        /// <summary>
        /// True while channel <paramref name="channel"/> (0-based) is muted: before the board is ready, by the user, or by
        /// the relay sequencer while a relay moves.
        /// </summary>
        public bool IsMuted(int channel)
        {
            InputChannel c = _inputs[channel];
            return !_ready || c.Mute || c.SequenceMute;
        }

        /// <summary>The mute bits for the converter: b0 input 1, b1 input 2 (worked out again only after a change).</summary>
        public int MuteBits() { Refresh(); return _muteBits; }

        /// <summary>Relay and mute bits of the stream header (b0 phantom1, b1 pad1, b2 polarity1, b3 mute1, then channel 2).</summary>
        public int RelayBits() { Refresh(); return _relayBits; }

        private void Refresh()
        {
            if (_bitsVersion == _version) return;
            int mute = 0;
            int bits = 0;
            for (int ch = 0; ch < Count; ch++)
            {
                int b = 0;
                if (_relays[ch].Phantom.IsClosed) b |= 1;
                if (_relays[ch].Pad.IsClosed) b |= 2;
                if (_relays[ch].Polarity.IsClosed) b |= 4;
                if (IsMuted(ch))
                {
                    b |= 8;
                    mute |= 1 << ch;
                }
                bits |= b << (4 * ch);
            }
            _muteBits = mute;
            _relayBits = bits;
            _bitsVersion = _version;
        }

        /// <summary>Selects the knob's channel.</summary>
        public void Select(int channel)
        {
            _selected = channel;
            OnChanged();
        }

        /// <summary>Links or unlinks the channels; linked, they keep the gain offset they had.</summary>
        public void SetLink(bool linked)
        {
            _linked = linked;
            OnChanged();
        }

        /// <summary>
        /// Moves a channel's gain by <paramref name="steps"/> steps of the chip's gain table by hand (the knob, UP, DOWN).
        /// Linked, each step is the smallest move both channels can make in that direction (so the offset in dB is kept
        /// across the chip's gap between 0 and 10 dB), whichever channel the step came from; at the end of the range
        /// they stay, as one channel does.
        /// </summary>
        public void StepGain(int channel, int steps)
        {
            if (!_linked)
            {
                Move(channel, GainSteps.AtIndex(GainSteps.Index(_inputs[channel].GainDb) + steps), true);
                return;
            }
            int direction = steps < 0 ? -1 : 1;
            int d = 0;
            for (int i = 0; i < steps * direction; i++)
            {
                int next = GainSteps.NextLinkedMove(_inputs[0].GainDb, _inputs[1].GainDb, d, direction);
                if (next == d) break;
                d = next;
            }
            _clamped = false;
            MoveLinked(d, true);
        }

        /// <summary>
        /// Sets a channel's gain by hand (0 or 10..65 dB, already validated). Linked, the other channel moves by the same
        /// number of dB, so their offset is kept; where the other channel cannot follow (out of range, or into the
        /// chip's gap between 0 and 10 dB) both stop at the nearest move they can both make, and
        /// <see cref="LastMoveClamped"/> says so.
        /// </summary>
        public void SetGain(int channel, int gainDb)
        {
            Move(channel, gainDb, true);
        }

        /// <summary>Sets a gain for gain automation (not a manual change); linked channels keep their offset.</summary>
        public void MoveGain(int channel, int gainDb)
        {
            Move(channel, gainDb, false);
        }

        /// <summary>Moves both channels by <paramref name="deltaDb"/> for gain automation on linked channels (clamped as <see cref="SetGain"/>).</summary>
        public void MoveBoth(int deltaDb)
        {
            MoveLinked(deltaDb, false);
        }

        /// <summary>True when the last linked move could not go as far as asked (the offset was kept instead).</summary>
        public bool LastMoveClamped { get { return _clamped; } }

        private void Move(int channel, int gainDb, bool manual)
        {
            _clamped = false;
            if (_linked)
            {
                MoveLinked(gainDb - _inputs[channel].GainDb, manual);
                return;
            }
            Apply(channel, gainDb, manual);
        }

        private void MoveLinked(int deltaDb, bool manual)
        {
            int d = GainSteps.LinkedDelta(_inputs[0].GainDb, _inputs[1].GainDb, deltaDb);
            _clamped = d != deltaDb;
            int g0 = _inputs[0].GainDb;
            int g1 = _inputs[1].GainDb;
            Apply(0, g0 + d, manual);
            Apply(1, g1 + d, manual);
        }

        private void Apply(int channel, int gainDb, bool manual)
        {
            bool moved = _inputs[channel].GainDb != gainDb;
            _inputs[channel].GainDb = gainDb;
            _gain.Channel(channel).GainDb = gainDb;
            _gain.Write();
            if (moved || manual)
            {
                GainCommandHandler handler = GainCommanded;
                if (handler != null) handler(channel, moved, manual);
            }
            OnChanged();
        }

        /// <summary>Mutes or unmutes a channel (both when linked).</summary>
        public void SetMute(int channel, bool muted)
        {
            for (int ch = 0; ch < Count; ch++)
            {
                if (ch == channel || _linked)
                {
                    _inputs[ch].Mute = muted;
                }
            }
            OnChanged();
        }

        /// <summary>Asks for the pad; the sequencer mutes, switches and unmutes.</summary>
        public void SetPad(int channel, bool on)
        {
            _inputs[channel].Pad = on;
            OnChanged();
        }

        /// <summary>Asks for polarity inversion; sequenced like the pad.</summary>
        public void SetPolarity(int channel, bool inverted)
        {
            _inputs[channel].Polarity = inverted;
            OnChanged();
        }

        /// <summary>
        /// Asks for phantom on or off. Switching on is refused (returns false, nothing changes) while the channel's
        /// phantom lock is set. The sequencer mutes, switches, waits for the supply to settle, and unmutes.
        /// </summary>
        public bool RequestPhantom(int channel, bool on)
        {
            if (on && _inputs[channel].PhantomLock)
            {
                return false;
            }
            _inputs[channel].Phantom = on;
            OnChanged();
            return true;
        }

        /// <summary>Sets the phantom lock; locking also switches phantom off.</summary>
        public void SetPhantomLock(int channel, bool locked)
        {
            _inputs[channel].PhantomLock = locked;
            if (locked)
            {
                _inputs[channel].Phantom = false;
            }
            OnChanged();
        }

        /// <summary>Advances the relay sequencers.</summary>
        public void Tick(int elapsedMs)
        {
            if (_restingVersion == _version)
            {
                return;   // both sequencers were at rest and nothing was asked for since
            }
            bool moving = false;
            for (int ch = 0; ch < Count; ch++)
            {
                if (_inputs[ch].Tick(elapsedMs))
                {
                    _version++;
                }
                moving |= _inputs[ch].State != RelaySequence.Idle;
            }
            if (!moving)
            {
                _restingVersion = _version;
            }
        }

        /// <summary>
        /// Safe state: not ready (muted), phantom relays open first (they are the ones that can hurt a microphone), both
        /// PGA2500s at 0 dB with pad and polarity open, DC servo on, OVR at 4.0 Vrms, zero-crossing gain changes on.
        /// </summary>
        public void EnterSafeState()
        {
            _ready = false;
            for (int ch = 0; ch < Count; ch++)
            {
                _relays[ch].Phantom.Open();
            }
            _gain.ZeroCrossing = true;
            for (int ch = 0; ch < Count; ch++)
            {
                Pga2500Settings s = _gain.Channel(ch);
                s.GainDb = 0;
                s.Gpo = 0;
                s.DcServo = true;
                s.CommonModeServo = false;
                // OVR at 4.0 Vrms: 0.4 dB below the converter's full scale (5.1 Vrms would be 1.7 dB above it).
                s.LowOverloadThreshold = true;
            }
            _gain.Write();
            for (int ch = 0; ch < Count; ch++)
            {
                _inputs[ch].ForceOff();
                _inputs[ch].GainDb = 0;
            }
            _version++;
        }

        /// <summary>*RST: gain 0 dB, pad and polarity off, unmuted, phantom off (sequenced), unlinked. The phantom locks stay.</summary>
        public void ResetToDefaults()
        {
            _linked = false;
            for (int ch = 0; ch < Count; ch++)
            {
                Apply(ch, 0, true);
                _inputs[ch].Mute = false;
                SetPad(ch, false);
                SetPolarity(ch, false);
                RequestPhantom(ch, false);
            }
        }

        /// <summary>Writes the channels' settings into a settings payload (with <paramref name="calibrationLock"/>).</summary>
        public void Encode(bool calibrationLock, byte[] payload)
        {
            ChannelSettings.Encode(_inputs, _linked, calibrationLock, _selected, payload);
        }

        /// <summary>
        /// Applies a settings payload the way manual changes would (relays through the sequencer, phantom only where the
        /// lock allows). At boot <paramref name="restoreLocksAndSelection"/> also brings back the phantom locks and the
        /// selected channel; a preset leaves them.
        /// </summary>
        public void Restore(byte[] p, bool restoreLocksAndSelection)
        {
            _linked = false;
            for (int ch = 0; ch < Count; ch++)
            {
                if (restoreLocksAndSelection)
                {
                    _inputs[ch].PhantomLock = ChannelSettings.Lock(p, ch);
                }
                Apply(ch, ChannelSettings.Gain(p, ch), true);
                _inputs[ch].Mute = ChannelSettings.Mute(p, ch);
                SetPad(ch, ChannelSettings.Pad(p, ch));
                SetPolarity(ch, ChannelSettings.Polarity(p, ch));
                RequestPhantom(ch, ChannelSettings.Phantom(p, ch));
            }
            _linked = ChannelSettings.Linked(p);
            if (restoreLocksAndSelection)
            {
                _selected = ChannelSettings.Selected(p);
            }
            OnChanged();
        }

        private void OnChanged()
        {
            _version++;
            SettingsChangedHandler handler = Changed;
            if (handler != null) handler();
        }
    }
}
