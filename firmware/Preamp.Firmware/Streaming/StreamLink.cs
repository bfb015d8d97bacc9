// The sample stream on a host link: who owns it, what it costs the link, and the blocks going out.
using PreampFirmware.Drivers;
using PreampFirmware.Hal;

namespace PreampFirmware.Streaming
{
    /// <summary>
    /// The stream and its one owner: the connection that started it. Only the owner stops it (or the owner going away);
    /// anyone else is told it belongs to another connection. Blocks go out on the owner's link only. While streaming, the
    /// first time the sample loop falls behind the converter is reported once per stream as -300; the dropped frames
    /// themselves are announced in the next block's header, so the host fills exactly that gap.
    /// </summary>
    public sealed class StreamLink
    {
        /// <summary>Link capacity that streaming may use, percent (the rest carries command answers and jitter).</summary>
        public const int LinkBudgetPercent = 95;

        private readonly SampleStream _stream;
        private readonly SampleLoop _loop;
        private readonly DeviceErrors _errors;
        private object _owner;
        private ISerialPort _port;
        private bool _slowLoopReported;

        /// <summary>The stream <paramref name="stream"/> filled by <paramref name="loop"/>; the slow-loop report goes to <paramref name="errors"/>.</summary>
        public StreamLink(SampleStream stream, SampleLoop loop, DeviceErrors errors)
        {
            _stream = stream;
            _loop = loop;
            _errors = errors;
        }

        /// <summary>The blocks.</summary>
        public SampleStream Stream { get { return _stream; } }

        /// <summary>True while streaming.</summary>
        public bool IsRunning { get { return _stream.IsRunning; } }

        /// <summary>The connection that started the stream, or null.</summary>
        public object Owner { get { return _owner; } }

        /// <summary>The owner's link, or null.</summary>
        public ISerialPort Port { get { return _port; } }

        /// <summary>True when <paramref name="requester"/> may stop the stream: it owns it, or nothing streams.</summary>
        public bool MayStop(object requester)
        {
            return !_stream.IsRunning || _owner == requester;
        }

        /// <summary>Starts streaming to <paramref name="owner"/>, whose blocks go out on <paramref name="port"/>.</summary>
        public void Start(object owner, ISerialPort port)
        {
            _owner = owner;
            _port = port;
            _slowLoopReported = false;
            _loop.BeginStream();
        }

        /// <summary>Stops streaming, for the owner (check <see cref="MayStop"/> first) or for the board itself (self-test failure).</summary>
        public void Stop()
        {
            _stream.Stop();
            _owner = null;
            _port = null;
        }

        /// <summary>A connection went away: a stream it owned stops.</summary>
        public void OwnerGone(object connection)
        {
            if (_owner == connection)
            {
                Stop();
            }
        }

        /// <summary>
        /// Writes up to <paramref name="maxBlocks"/> completed blocks to the owner's link. On the board a writer thread calls
        /// this (SerialPort.Write waits for the UART); the simulator calls it when its paced link has room. Returns the
        /// blocks written.
        /// </summary>
        public int ServiceOutput(int maxBlocks)
        {
            int written = 0;
            ISerialPort port = _port;
            while (written < maxBlocks && port != null)
            {
                byte[] block = _stream.PeekReady();
                if (block == null)
                {
                    break;
                }
                port.Write(block, 0, _stream.BlockLength);
                _stream.ReleaseReady();
                written++;
            }
            return written;
        }

        /// <summary>Once per stream: says that the sample loop fell behind (-300), with the frames lost so far.</summary>
        public void Watch()
        {
            if (_slowLoopReported || !_stream.IsRunning || !_loop.LostWhileStreaming)
            {
                return;
            }
            _slowLoopReported = true;
            _errors.Report(DeviceErrors.DeviceSpecificError, "the sample loop fell behind: the converter's DMA dropped " + _stream.FramesLostByConverter.ToString() +
                                                            " frames so far (announced in the stream, the host fills them); a lower STReam:RATE may keep up");
        }

        /// <summary>True once the sample loop fell behind during this stream.</summary>
        public bool LoopFellBehind { get { return _stream.IsRunning && _loop.LostWhileStreaming; } }

        /// <summary>Bytes per second a stream at <paramref name="rate"/> puts on the link.</summary>
        public long BytesPerSecond(int rate)
        {
            return (long)rate * _stream.BlockLength / _stream.FramesPerBlock;
        }

        /// <summary>Highest converter rate a link of <paramref name="port"/>'s speed carries within the link budget, S/s (0 if none).</summary>
        public int MaxRate(ISerialPort port)
        {
            int best = 0;
            int[] rates = Pcm1863.SupportedRates();
            for (int i = 0; i < rates.Length; i++)
            {
                if (BytesPerSecond(rates[i]) * 100 <= (long)port.BytesPerSecond * LinkBudgetPercent)
                {
                    best = rates[i];
                }
            }
            return best;
        }
    }
}
