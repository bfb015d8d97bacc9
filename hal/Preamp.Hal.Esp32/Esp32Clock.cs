// IMicrosecondClock over the ESP32's esp_timer (HighResTimer.GetCurrent), the only sub-10 ms time source.
using System.Threading;
using nanoFramework.Hardware.Esp32;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>Microseconds since boot. Short waits spin on the timer; long ones sleep (10 ms scheduler ticks).</summary>
    public sealed class Esp32Clock : IMicrosecondClock
    {
        /// <summary>Waits at least this long sleep instead of spinning, µs.</summary>
        public const long SleepThresholdMicroseconds = 20000;

        /// <inheritdoc />
        public long NowMicroseconds { get { return (long)HighResTimer.GetCurrent(); } }

        /// <inheritdoc />
        public void Wait(long microseconds)
        {
            long end = NowMicroseconds + microseconds;
            if (microseconds >= SleepThresholdMicroseconds)
            {
                Thread.Sleep((int)(microseconds / 1000));
            }
            while (NowMicroseconds < end)
            {
            }
        }
    }
}
