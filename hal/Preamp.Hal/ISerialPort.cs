// The byte link to the host (a UART on the board, a socket or pseudo-terminal in the simulator).
namespace PreampFirmware.Hal
{
    /// <summary>
    /// A byte-oriented serial link. <see cref="Read"/> never waits: callers ask only for what
    /// <see cref="BytesToRead"/> reports (nanoFramework's SerialPort.Read blocks until it has them all).
    /// </summary>
    public interface ISerialPort
    {
        /// <summary>Bytes waiting in the receive buffer.</summary>
        int BytesToRead { get; }

        /// <summary>Reads up to <paramref name="count"/> bytes that are already waiting; returns how many.</summary>
        int Read(byte[] buffer, int offset, int count);

        /// <summary>Queues bytes for transmission.</summary>
        void Write(byte[] buffer, int offset, int count);

        /// <summary>Bytes per second the link can carry (baud / 10 for 8N1).</summary>
        int BytesPerSecond { get; }

        /// <summary>
        /// Received bytes lost because the receive buffer was full, since the port opened. A driver that cannot count
        /// them adds at least one each time it finds the buffer full (bytes were then probably lost).
        /// </summary>
        long ReceiveOverruns { get; }
    }
}
