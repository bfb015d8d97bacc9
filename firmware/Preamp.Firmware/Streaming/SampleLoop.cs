// The sample loop: reads each converter block when it is due, meters it, and hands it to the stream.
using PreampFirmware.Hal;

namespace PreampFirmware.Streaming
{
    /// <summary>
    /// Owns the audio input. Per block, and only per block: one read of N frames into place (native DMA copy; a block is
    /// several DMA buffers, so the per-block work is paid once for all of them), the meter's few spot samples, and while
    /// streaming a header with two native CRC-32s. The DMA keeps converting between reads; a read that comes too late
    /// finds buffers dropped, which <see cref="BlockTiming"/> counts from the clock and the next block announces.
    /// </summary>
    public sealed class SampleLoop
    {
        private readonly IAudioInput _audio;
        private readonly ICrc32 _crc;
        private readonly IMicrosecondClock _clock;
        private readonly SampleStream _stream;
        private readonly LevelMeter _meter;
        private readonly BlockTiming _timing = new BlockTiming();
        private readonly SampleFraming _framing = new SampleFraming();
        private readonly byte[] _scratch;
        private readonly uint[] _gainCommand = { StreamBlock.NoGainCommand, StreamBlock.NoGainCommand };
        private readonly int _framesPerBlock;
        private int _framesPerBuffer = 1;   // the DMA's unit: losses and the model count in buffers
        private byte _layout;
        private int _channelOneSlot;
        private bool _running;   // the input's clocks run: only this loop starts and stops them, and the loop asks often
        private int _rate;
        private long _streamStartBuffer;
        private long _streamStartUs;
        private long _firstReadUs;
        private long _framesRead;
        private long _lastReadUs;
        private long _blocksRead;
        private bool _lostWhileStreaming;
        private int _framingFlags;   // the stream header's framing bits, set by a check
        private byte[] _latest;      // the block read last while streaming

        /// <summary>A loop over <paramref name="audio"/>, blocks of the stream's size (a whole number of DMA buffers).</summary>
        public SampleLoop(IAudioInput audio, ICrc32 crc, IMicrosecondClock clock, SampleStream stream, LevelMeter meter)
        {
            _audio = audio;
            _crc = crc;
            _clock = clock;
            _stream = stream;
            _meter = meter;
            _framesPerBlock = stream.FramesPerBlock;
            _scratch = new byte[StreamBlock.Bytes(_framesPerBlock)];
        }

        /// <summary>Frames per block: a whole number of the input's DMA buffers.</summary>
        public int FramesPerBlock { get { return _framesPerBlock; } }

        /// <summary>True while the converter's clocks run.</summary>
        public bool IsRunning { get { return _running; } }

        /// <summary>Converter rate, S/s (0 before <see cref="Start"/>).</summary>
        public int SampleRate { get { return _rate; } }

        /// <summary>
        /// Board time at which the next block is due. While every stream block waits for the link, blocks are left in the
        /// DMA ring (16 buffers, 85 ms at 48 kHz, against the stream ring's 4) until it is nearly full: a link that
        /// falls behind for a moment then loses nothing.
        /// </summary>
        public long NextDueMicroseconds
        {
            get
            {
                if (!_running)
                {
                    return long.MaxValue;
                }
                long due = _timing.NextDueMicroseconds;
                if (_stream.IsRunning && _stream.FreeBlock() == null)
                {
                    long last = _timing.LastSafeReadMicroseconds;
                    if (last > due)
                    {
                        due = last;
                    }
                }
                return due;
            }
        }

        /// <summary>The framing of the samples the input delivers, as the last check found it.</summary>
        public SampleFraming Framing { get { return _framing; } }

        /// <summary>
        /// Classifies the framing from the block read last (see <see cref="SampleFraming.Classify"/>): the meter and the
        /// stream header take the correction it decides. Once per check, never per block. Returns what it found.
        /// </summary>
        public int CheckFraming()
        {
            byte[] block = _stream.IsRunning && _latest != null ? _latest : _scratch;
            int found = SampleFraming.Classify(block, StreamBlock.HeaderBytes, _framesPerBlock);
            _framing.Update(found);
            _framingFlags = _framing.HeaderFlags;
            _meter.Correction = _framing.Correction;
            return found;
        }

        /// <summary>Blocks read since the converter started.</summary>
        public long BlocksRead { get { return _blocksRead; } }

        /// <summary>Frames the DMA dropped since the converter started (as the clock tells).</summary>
        public long FramesLost { get { return _timing.Lost * _framesPerBuffer; } }

        /// <summary>True once frames were lost while streaming (cleared by <see cref="BeginStream"/>).</summary>
        public bool LostWhileStreaming { get { return _lostWhileStreaming; } }

        /// <summary>
        /// Starts the converter's clocks and DMA at <paramref name="rate"/> and reads the first DMA buffer at once: nothing
        /// can be waiting yet, so the read waits for the DMA (at most one buffer's time) and anchors the timing to the
        /// converter's clock. Frames from before the converter ran its first buffer are not metered.
        /// </summary>
        public void Start(int rate)
        {
            _audio.Start(rate);
            _running = true;
            _rate = rate;
            _layout = StreamBlock.LayoutFor(_audio.ChannelOneSlot);
            _channelOneSlot = _audio.ChannelOneSlot;
            long began = _clock.NowMicroseconds;
            int perBuffer = _audio.FramesPerBuffer;
            _framesPerBuffer = perBuffer;
            _timing.Start(began, rate, perBuffer, _audio.WaitingBuffers, _framesPerBlock / perBuffer);
            _meter.Configure(rate);
            _audio.Read(_scratch, StreamBlock.HeaderBytes, perBuffer);
            _timing.Read(began, _clock.NowMicroseconds, 1);
            _blocksRead = 1;
        }

        /// <summary>Stops the converter's clocks.</summary>
        public void Stop()
        {
            _audio.Stop();
            _running = false;
        }

        /// <summary>
        /// Starts the stream's frame count at the next block to read. Buffers the DMA dropped before this moment are
        /// accounted first, so they are not announced as the stream's losses.
        /// </summary>
        public void BeginStream()
        {
            _streamStartUs = _clock.NowMicroseconds;
            _timing.LostBeforeRead(_streamStartUs);
            _streamStartBuffer = _timing.Consumed;
            _framesRead = 0;
            _lostWhileStreaming = false;
            _latest = null;
            _gainCommand[0] = StreamBlock.NoGainCommand;
            _gainCommand[1] = StreamBlock.NoGainCommand;
            _stream.Start();
        }

        /// <summary>Board time at which the stream began, µs.</summary>
        public long StreamStartMicroseconds { get { return _streamStartUs; } }

        /// <summary>DMA buffer (counted from the converter's start) that holds the stream's frame 0.</summary>
        public long StreamStartBuffer { get { return _streamStartBuffer; } }

        /// <summary>Board time of the latest block read while streaming, µs.</summary>
        public long LastStreamReadMicroseconds { get { return _lastReadUs; } }

        /// <summary>Frames read per second since the stream's first block (the converter's rate unless frames were lost).</summary>
        public double ActualRate
        {
            get
            {
                long span = _lastReadUs - _firstReadUs;
                return span <= 0 || _framesRead < 2 * _framesPerBlock ? 0 : (_framesRead - _framesPerBlock) * 1000000.0 / span;
            }
        }

        /// <summary>
        /// Notes that a gain command for <paramref name="channel"/> goes out now: the stream carries the number of the
        /// frame being converted, so the host can find the zero crossing where the PGA2500 applies it.
        /// </summary>
        public void MarkGainCommand(int channel)
        {
            if (!_stream.IsRunning)
            {
                return;
            }
            long frame = _timing.FrameAt(_clock.NowMicroseconds) - _streamStartBuffer * _framesPerBuffer;
            _gainCommand[channel] = frame < 0 ? 0 : (uint)frame;
        }

        /// <summary>
        /// Reads the next block (call it when <see cref="NextDueMicroseconds"/> has come), meters it and, while streaming,
        /// stamps it with the header fields given and queues it for the link.
        /// </summary>
        public void Service(int gain1, int gain2, int relayBits, int overloadFlags)
        {
            long began = _clock.NowMicroseconds;
            int lost = _timing.LostBeforeRead(began);
            bool streaming = _stream.IsRunning;
            if (lost > 0 && streaming)
            {
                _stream.CountConverterLoss(lost * _framesPerBuffer);
                _lostWhileStreaming = true;
            }
            long first = (_timing.Consumed - _streamStartBuffer) * _framesPerBuffer;
            byte[] block = streaming ? _stream.FreeBlock() : null;
            byte[] target = block == null ? _scratch : block;
            _audio.Read(target, StreamBlock.HeaderBytes, _framesPerBlock);
            long ended = _clock.NowMicroseconds;
            _timing.Read(began, ended, _timing.BuffersPerRead);
            _blocksRead++;
            _meter.OfferBlock(target, StreamBlock.HeaderBytes, _framesPerBlock, _channelOneSlot);
            if (!streaming)
            {
                return;
            }
            if (_framesRead == 0)
            {
                _firstReadUs = ended;
            }
            _framesRead += _framesPerBlock;
            _lastReadUs = ended;
            _latest = target;
            if (block == null)
            {
                _stream.CountDroppedForLink(_framesPerBlock);
                return;
            }
            _stream.Commit(_crc, _layout, (uint)first, (uint)ended, _rate, gain1, gain2, relayBits, overloadFlags | _framingFlags, _gainCommand[0], _gainCommand[1]);
        }
    }
}
