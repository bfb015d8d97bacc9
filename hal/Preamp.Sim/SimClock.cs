// Virtual, deterministic time for the simulated board.
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>
/// The board's clock. Time moves only when the board advances it; a firmware <see cref="Wait"/> advances the
/// board (chips keep converting, relays keep moving) without calling back into the firmware.
/// </summary>
public sealed class SimClock : IMicrosecondClock
{
    private readonly SimBoard _board;

    internal SimClock(SimBoard board) => _board = board;

    /// <inheritdoc />
    public long NowMicroseconds => _board.NowMicroseconds;

    /// <inheritdoc />
    public void Wait(long microseconds) => _board.AdvanceBy(microseconds);
}
