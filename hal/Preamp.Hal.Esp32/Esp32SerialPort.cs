// ISerialPort over nanoFramework's SerialPort on COM2.
using System.IO.Ports;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>
    /// The host UART. Reads ask only for what <see cref="BytesToRead"/> reports, because nanoFramework's
    /// SerialPort.Read waits until it has every byte requested.
    /// </summary>
    public sealed class Esp32SerialPort : ISerialPort
    {
        /// <summary>Receive ring buffer, bytes (set before Open).</summary>
        public const int ReceiveBufferBytes = 8192;

        private readonly SerialPort _port;
        private readonly int _bytesPerSecond;
        private long _overruns;

        /// <summary>Opens <paramref name="portName"/> at <paramref name="baud"/>, 8N1, no handshake.</summary>
        public Esp32SerialPort(string portName, int baud)
        {
            _port = new SerialPort(portName, baud, Parity.None, 8, StopBits.One);
            _port.ReadBufferSize = ReceiveBufferBytes;
            _port.ReceivedBytesThreshold = 64;
            _port.WriteTimeout = 500;
            _port.Open();
            _bytesPerSecond = baud / 10;
        }

        /// <inheritdoc />
        public int BytesToRead { get { return _port.BytesToRead; } }

        /// <inheritdoc />
        public int Read(byte[] buffer, int offset, int count)
        {
            int available = _port.BytesToRead;
            if (available <= 0)
            {
                return 0;
            }
            if (available >= ReceiveBufferBytes)
            {
                // nanoFramework drops what does not fit without telling anyone: a full ring means bytes were
                // probably lost after the ones it holds.
                _overruns++;
            }
            return _port.Read(buffer, offset, count < available ? count : available);
        }

        /// <summary>Writes bytes; one call is never interleaved with another thread's (stream blocks and answers share the UART).</summary>
        public void Write(byte[] buffer, int offset, int count)
        {
            lock (_port)
            {
                _port.Write(buffer, offset, count);
            }
        }

        /// <inheritdoc />
        public int BytesPerSecond { get { return _bytesPerSecond; } }

        /// <inheritdoc />
        public long ReceiveOverruns { get { return _overruns; } }
    }
}
