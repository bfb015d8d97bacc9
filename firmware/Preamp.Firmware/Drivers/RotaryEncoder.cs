// The gain knob: a quadrature encoder counted by the ESP32 pulse counter, turned into detents.
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /// <summary>
    /// Converts the pulse counter's running count into detents. The counter counts both edges of phase A with
    /// phase B as direction, which gives two counts per quadrature cycle; an EC11-type encoder makes one cycle
    /// per detent. A part-turned detent is kept and completed by later counts.
    /// </summary>
    public sealed class RotaryEncoder
    {
        /// <summary>Counter counts per mechanical detent.</summary>
        public const int CountsPerDetent = 2;

        private readonly IPulseCounter _counter;
        private long _consumed;
        private bool _started;

        /// <summary>Reads detents from <paramref name="counter"/>.</summary>
        public RotaryEncoder(IPulseCounter counter)
        {
            _counter = counter;
        }

        /// <summary>Whole detents turned since the last call; positive is clockwise.</summary>
        public int ReadDetents()
        {
            long count = _counter.Read();
            if (!_started)
            {
                _consumed = count;
                _started = true;
                return 0;
            }
            if (count == _consumed)
            {
                return 0;
            }
            long delta = count - _consumed;
            long detents = delta / CountsPerDetent;
            _consumed += detents * CountsPerDetent;
            return (int)detents;
        }
    }
}
