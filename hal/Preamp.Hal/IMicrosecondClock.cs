// Monotonic time in microseconds, and short waits.
namespace PreampFirmware.Hal
{
    /// <summary>
    /// A monotonic microsecond clock. Only the top-level loop and chip bring-up read it; state machines
    /// are handed the time in their Tick calls.
    /// </summary>
    public interface IMicrosecondClock
    {
        /// <summary>Microseconds since an arbitrary origin; never goes backwards.</summary>
        long NowMicroseconds { get; }

        /// <summary>Waits at least <paramref name="microseconds"/> (busy-waits on the board; advances virtual time in the simulator).</summary>
        void Wait(long microseconds);
    }
}
