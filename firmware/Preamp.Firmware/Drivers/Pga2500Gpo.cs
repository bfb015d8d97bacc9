// One PGA2500 general-purpose output used as a relay-driver input (rev A drives pad and polarity this way).
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /// <summary>
    /// A GPO pin of one chip in the PGA2500 chain, seen as a digital output. Writing it rebuilds and sends
    /// both chips' control words, so gain and the other GPOs are re-sent unchanged.
    /// </summary>
    public sealed class Pga2500Gpo : IDigitalOutput
    {
        private readonly Pga2500Chain _chain;
        private readonly int _channel;
        private readonly int _bit;

        /// <summary>GPO <paramref name="gpo"/> (1..4) of the chip of channel <paramref name="channel"/> (0-based).</summary>
        public Pga2500Gpo(Pga2500Chain chain, int channel, int gpo)
        {
            _chain = chain;
            _channel = channel;
            _bit = 1 << (gpo - 1);
        }

        /// <inheritdoc />
        public void Write(bool high)
        {
            Pga2500Settings s = _chain.Channel(_channel);
            int gpo = high ? (s.Gpo | _bit) : (s.Gpo & ~_bit);
            if (gpo == s.Gpo)
            {
                return;
            }
            s.Gpo = gpo;
            _chain.Write();
        }

        /// <inheritdoc />
        public bool IsHigh { get { return (_chain.Channel(_channel).Gpo & _bit) != 0; } }
    }
}
