// Phantom switched on for a bench test: it turns itself off unless the host renews it.
namespace PreampFirmware.Control
{
    /// <summary>
    /// A lease on phantom power (INPut&lt;n&gt;:PHANtom:TEST &lt;s&gt;): phantom goes on through the channel's relay
    /// sequencer (mute, switch, settle, unmute) and the phantom lock refuses it as any request; it goes off the same way
    /// when the lease runs out, so a host that crashes, loses its link or is stopped with Ctrl-C never leaves +48 V on the
    /// pins. Sending the command again renews it. A leased phantom is not saved as phantom on (a power cut during a test
    /// boots with phantom off). Checked on the control loop's 50 ms slice, only while a lease runs.
    /// </summary>
    public sealed class PhantomLease
    {
        /// <summary>Shortest lease, s.</summary>
        public const double MinSeconds = 1;
        /// <summary>Longest lease, s.</summary>
        public const double MaxSeconds = 30;

        private readonly Channels _channels;
        private readonly int[] _remainingMs = new int[Channels.Count];

        /// <summary>True while a lease runs on either channel: the root calls <see cref="Slice"/> only then.</summary>
        public bool Active;

        /// <summary>Leases of <paramref name="channels"/>' phantom.</summary>
        public PhantomLease(Channels channels)
        {
            _channels = channels;
        }

        /// <summary>
        /// Switches phantom on for <paramref name="ms"/> milliseconds of board time, or renews the lease that runs.
        /// False (nothing changes) while the channel's phantom lock is set.
        /// </summary>
        public bool Start(int channel, int ms)
        {
            InputChannel input = _channels.Inputs[channel];
            bool wasLeased = input.PhantomLeased;
            input.PhantomLeased = true;   // set first: the saved state written after this change keeps phantom off
            if (!input.Phantom && !_channels.RequestPhantom(channel, true))
            {
                input.PhantomLeased = wasLeased;
                return false;
            }
            _remainingMs[channel] = ms;
            Active = true;
            return true;
        }

        /// <summary>Ends a lease without touching phantom (an explicit PHANtom ON or OFF takes over).</summary>
        public void End(int channel)
        {
            _remainingMs[channel] = 0;
            _channels.Inputs[channel].PhantomLeased = false;
            Active = _remainingMs[0] > 0 || _remainingMs[1] > 0;
        }

        /// <summary>Milliseconds left on a channel's lease (0: none).</summary>
        public int RemainingMs(int channel)
        {
            return _remainingMs[channel];
        }

        /// <summary>Counts the leases down by <paramref name="elapsedMs"/>; one that runs out asks for phantom off.</summary>
        public void Slice(int elapsedMs)
        {
            bool active = false;
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                if (_remainingMs[ch] <= 0)
                {
                    continue;
                }
                InputChannel input = _channels.Inputs[ch];
                if (!input.Phantom)
                {
                    End(ch);   // switched off meanwhile (command, lock, panel, safe state)
                    continue;
                }
                _remainingMs[ch] -= elapsedMs;
                if (_remainingMs[ch] <= 0)
                {
                    End(ch);
                    _channels.RequestPhantom(ch, false);
                    continue;
                }
                active = true;
            }
            Active = active;
        }
    }
}
