// One input channel: what the user asked for, and the relay sequencer that gets there without clicks or thumps.
using PreampFirmware.Drivers;

namespace PreampFirmware.Control
{
    /// <summary>States of the relay sequencer.</summary>
    public static class RelaySequence
    {
        /// <summary>Relays are where they were asked to be.</summary>
        public const int Idle = 0;
        /// <summary>The channel is muted; waiting for the stream to carry the mute before anything moves.</summary>
        public const int Muting = 1;
        /// <summary>Relays switched; waiting for contacts and the phantom supply to settle before unmuting.</summary>
        public const int Settling = 2;
    }

    /// <summary>
    /// A channel's wanted settings (gain, pad, polarity, mute, phantom, phantom lock) and the sequencer that
    /// applies relay changes: mute → wait <see cref="MuteLeadMs"/> → switch → wait (<see cref="PhantomSettleMs"/>
    /// after a phantom change, <see cref="RelaySettleMs"/> after pad or polarity) → unmute. Ticked with elapsed
    /// milliseconds; reads no clock.
    /// </summary>
    public sealed class InputChannel
    {
        /// <summary>Time the mute is in force before a relay moves, ms (two control ticks: longer than the converter's mute taking effect).</summary>
        public const int MuteLeadMs = 20;
        /// <summary>
        /// Settling after phantom switches, ms: the soft-start ramp (~0.8 s), the thump's decay, and the converter's DC
        /// high-pass coming back from the thump (its time constant is about 160 ms at 1 Hz: 1.5 s leaves it far below
        /// −60 dBFS at 50 dB of gain).
        /// </summary>
        public const int PhantomSettleMs = 1500;
        /// <summary>Settling after pad or polarity switches, ms: relay operate time and bounce, with margin.</summary>
        public const int RelaySettleMs = 40;

        private readonly ChannelRelays _relays;
        private int _state = RelaySequence.Idle;
        private int _elapsedMs;
        private int _settleMs;
        private bool _phantomMoved;

        /// <summary>Wanted gain, dB (0 or 10..65).</summary>
        public int GainDb;
        /// <summary>Wanted pad.</summary>
        public bool Pad;
        /// <summary>Wanted polarity inversion.</summary>
        public bool Polarity;
        /// <summary>User mute.</summary>
        public bool Mute;
        /// <summary>Wanted phantom.</summary>
        public bool Phantom;
        /// <summary>Phantom lock (ribbon microphones): phantom cannot be switched on while set.</summary>
        public bool PhantomLock;
        /// <summary>Phantom is on for a bench test only (<see cref="PhantomLease"/>): it is not saved as on.</summary>
        public bool PhantomLeased;

        /// <summary>A channel driving <paramref name="relays"/>.</summary>
        public InputChannel(ChannelRelays relays)
        {
            _relays = relays;
        }

        /// <summary>Sequencer state (<see cref="RelaySequence"/>).</summary>
        public int State { get { return _state; } }

        /// <summary>True while the sequencer holds the channel muted: from the moment a relay change is asked for until it has settled.</summary>
        public bool SequenceMute { get { return _state != RelaySequence.Idle || RelaysDiffer(); } }

        /// <summary>True while the phantom supply is ramping after a switch (the 48V LED blinks).</summary>
        public bool PhantomRamping { get { return _state != RelaySequence.Idle && (_phantomMoved || Phantom != _relays.Phantom.IsClosed); } }

        /// <summary>True when every relay is where it was asked to be and nothing is settling.</summary>
        public bool Settled { get { return _state == RelaySequence.Idle && !RelaysDiffer(); } }

        private bool RelaysDiffer()
        {
            return Phantom != _relays.Phantom.IsClosed || Pad != _relays.Pad.IsClosed || Polarity != _relays.Polarity.IsClosed;
        }

        /// <summary>Advances the sequencer by <paramref name="elapsedMs"/>; true when its state or a relay moved.</summary>
        public bool Tick(int elapsedMs)
        {
            int before = _state;
            _elapsedMs += elapsedMs;
            switch (_state)
            {
                case RelaySequence.Idle:
                    if (!RelaysDiffer())
                    {
                        return false;
                    }
                    _state = RelaySequence.Muting;
                    _elapsedMs = 0;
                    break;
                case RelaySequence.Muting:
                    if (_elapsedMs >= MuteLeadMs)
                    {
                        _phantomMoved = Phantom != _relays.Phantom.IsClosed;
                        Apply();
                        _settleMs = _phantomMoved ? PhantomSettleMs : RelaySettleMs;
                        _state = RelaySequence.Settling;
                        _elapsedMs = 0;
                    }
                    break;
                case RelaySequence.Settling:
                    if (RelaysDiffer())
                    {
                        // Asked for something else meanwhile: switch it too and settle again from now.
                        bool phantom = Phantom != _relays.Phantom.IsClosed;
                        Apply();
                        _phantomMoved |= phantom;
                        int settle = phantom ? PhantomSettleMs : RelaySettleMs;
                        _settleMs = _elapsedMs + settle > _settleMs ? _elapsedMs + settle : _settleMs;
                        return true;
                    }
                    if (_elapsedMs >= _settleMs)
                    {
                        _state = RelaySequence.Idle;
                        _phantomMoved = false;
                    }
                    break;
            }
            return _state != before;
        }

        private void Apply()
        {
            if (Phantom) _relays.Phantom.Close(); else _relays.Phantom.Open();
            if (Pad) _relays.Pad.Close(); else _relays.Pad.Open();
            if (Polarity) _relays.Polarity.Close(); else _relays.Polarity.Open();
        }

        /// <summary>Drops every relay at once and forgets any sequence (safe state).</summary>
        public void ForceOff()
        {
            _relays.OpenAll();
            Phantom = false;
            PhantomLeased = false;
            Pad = false;
            Polarity = false;
            _state = RelaySequence.Idle;
            _phantomMoved = false;
        }
    }
}
