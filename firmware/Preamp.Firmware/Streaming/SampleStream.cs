// The ring of stream blocks between the sample loop and the link writer, with the stream's counters.
using PreampFirmware.Hal;

namespace PreampFirmware.Streaming
{
    /// <summary>
    /// Blocks waiting for the link. The sample loop reads each due block straight into the next free block of the
    /// ring (or, with the ring full, into a scratch block it only meters, counting the frames as dropped for the
    /// link); the writer sends the oldest ready block. Allocated once: nothing is allocated per block.
    /// </summary>
    public sealed class SampleStream
    {
        /// <summary>Blocks in the ring (4 × 5.3 ms at 48 kHz of slack for the link writer).</summary>
        public const int RingBlocks = 4;

        private readonly int _framesPerBlock;
        private readonly byte[][] _blocks = new byte[RingBlocks][];
        private readonly object _lock = new object();
        private int _fill;            // next block to fill
        private int _readyHead;       // oldest block waiting for the link
        private int _readyCount;
        private uint _sequence;
        private long _framesSent;
        private long _framesDroppedForLink;
        private long _framesLostByConverter;
        private bool _lostSinceLastBlock;
        private bool _running;

        /// <summary>A ring of blocks of <paramref name="framesPerBlock"/> frames.</summary>
        public SampleStream(int framesPerBlock)
        {
            _framesPerBlock = framesPerBlock;
            for (int i = 0; i < RingBlocks; i++)
            {
                _blocks[i] = new byte[StreamBlock.Bytes(framesPerBlock)];
            }
        }

        /// <summary>Frames per block.</summary>
        public int FramesPerBlock { get { return _framesPerBlock; } }

        /// <summary>Bytes of one block on the wire.</summary>
        public int BlockLength { get { return StreamBlock.Bytes(_framesPerBlock); } }

        /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
        public bool IsRunning { get { return _running; } }

        /// <summary>Frames handed to the link since start.</summary>
        public long FramesSent { get { return _framesSent; } }

        /// <summary>Frames the device dropped since start because the link could not take them (the ring was full).</summary>
        public long FramesDroppedForLink { get { return _framesDroppedForLink; } }

        /// <summary>Frames the converter's DMA dropped since start because the sample loop read too late.</summary>
        public long FramesLostByConverter { get { return _framesLostByConverter; } }

        /// <summary>Sequence number the next sealed block gets.</summary>
        public uint NextSequence { get { return _sequence; } }

        /// <summary>Empties the ring and starts counting from zero.</summary>
        public void Start()
        {
            lock (_lock)
            {
                _fill = 0;
                _readyHead = 0;
                _readyCount = 0;
                _sequence = 0;
                _framesSent = 0;
                _framesDroppedForLink = 0;
                _framesLostByConverter = 0;
                _lostSinceLastBlock = false;
                _running = true;
            }
        }

        /// <summary>Stops; blocks not yet sent are discarded.</summary>
        public void Stop()
        {
            lock (_lock)
            {
                _running = false;
                _readyCount = 0;
            }
        }

        /// <summary>The block the next frames go into, or null when stopped or when every block waits for the link.</summary>
        public byte[] FreeBlock()
        {
            if (!_running || _readyCount >= RingBlocks)
            {
                return null;
            }
            return _blocks[_fill];
        }

        /// <summary>The converter dropped <paramref name="frames"/> frames before the block now being read.</summary>
        public void CountConverterLoss(int frames)
        {
            _framesLostByConverter += frames;
            _lostSinceLastBlock = true;
        }

        /// <summary>A block's frames were read but the ring was full: they are dropped for the link.</summary>
        public void CountDroppedForLink(int frames)
        {
            _framesDroppedForLink += frames;
            _lostSinceLastBlock = true;
        }

        /// <summary>
        /// Stamps the block returned by <see cref="FreeBlock"/> (its frames are in place) and queues it for the link.
        /// </summary>
        public void Commit(ICrc32 crc, byte layout, uint firstFrame, uint timeUs, int sampleRate, int gain1, int gain2, int relayBits,
                           int overloadFlags, uint gainCommand1, uint gainCommand2)
        {
            int flags = overloadFlags | (_lostSinceLastBlock ? StreamBlock.FlagFramesLost : 0);
            StreamBlock.Seal(_blocks[_fill], crc, layout, _sequence, firstFrame, timeUs, sampleRate, _framesPerBlock, gain1, gain2, relayBits, flags,
                             (uint)_framesLostByConverter, (uint)_framesDroppedForLink, gainCommand1, gainCommand2);
            _lostSinceLastBlock = false;
            _sequence++;
            lock (_lock)
            {
                _readyCount++;
                _fill = (_fill + 1) % RingBlocks;
            }
        }

        /// <summary>Blocks waiting for the link (a cheap check before taking the lock).</summary>
        public int ReadyBlocks { get { return _readyCount; } }

        /// <summary>Oldest block waiting for the link, or null; its length is <see cref="BlockLength"/>.</summary>
        public byte[] PeekReady()
        {
            lock (_lock)
            {
                return _readyCount == 0 ? null : _blocks[_readyHead];
            }
        }

        /// <summary>Marks the oldest waiting block as sent.</summary>
        public void ReleaseReady()
        {
            lock (_lock)
            {
                if (_readyCount == 0)
                {
                    return;
                }
                _readyHead = (_readyHead + 1) % RingBlocks;
                _readyCount--;
                _framesSent += _framesPerBlock;
            }
        }
    }
}
