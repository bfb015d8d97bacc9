// Turning board time into the control loop's elapsed milliseconds.
namespace PreampFirmware.Control
{
    /// <summary>
    /// Elapsed whole milliseconds between control ticks, from the board time each tick is given. The remainder is kept
    /// for the next tick, so no time is lost to rounding; a clock that jumps back, or forward by more than a second,
    /// counts no time rather than a wrong one.
    /// </summary>
    public sealed class ControlClock
    {
        /// <summary>Largest step taken as real, µs.</summary>
        public const long MaxStepMicroseconds = 1000000;

        private long _lastUs = -1;

        /// <summary>Milliseconds since the last call (0 on the first).</summary>
        public int Advance(long nowMicroseconds)
        {
            if (_lastUs < 0)
            {
                _lastUs = nowMicroseconds;
            }
            long delta = nowMicroseconds - _lastUs;
            if (delta < 0 || delta > MaxStepMicroseconds)
            {
                _lastUs = nowMicroseconds;
                return 0;
            }
            int elapsedMs = (int)(delta / 1000);
            _lastUs += elapsedMs * 1000L;
            return elapsedMs;
        }
    }
}
