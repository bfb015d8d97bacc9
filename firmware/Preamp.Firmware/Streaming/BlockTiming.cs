// When the converter's next DMA buffer is complete, and how many the DMA dropped while the sample loop was away.
namespace PreampFirmware.Streaming
{
    /// <summary>
    /// A model of the I2S DMA ring kept from the microsecond clock alone: the converter completes a buffer of
    /// F frames every F / rate seconds whether anyone reads or not; at most Q complete buffers wait, and each one
    /// completing beyond that silently drops the oldest. Knowing when a read happens, the model knows how many
    /// buffers were dropped before it — the count the stream announces, so the host fills exactly that gap.
    /// <para>
    /// A read takes <see cref="BuffersPerRead"/> buffers at once (a stream block), so a block's header and CRCs are paid
    /// once per several buffers; losses are still counted in whole buffers, as the DMA drops them.
    /// The model is anchored at a read that had to wait: such a read returns the moment its last buffer completed. The
    /// caller makes the first read right after starting the converter, when nothing can be waiting yet, so that read
    /// waits and anchors the model; later reads are due <see cref="DueMarginMicroseconds"/> after their last buffer
    /// completes, and any read that waits re-anchors the model, so it stays in step with the converter's clock even
    /// when the loop never catches up again. Pure arithmetic: callers pass the time.
    /// </para>
    /// </summary>
    public sealed class BlockTiming
    {
        /// <summary>How long after a buffer completes its read is due, µs (room for the clock's jitter).</summary>
        public const int DueMarginMicroseconds = 250;

        private double _periodUs;
        private int _framesPerBuffer;
        private int _waitingBuffers;
        private int _buffersPerRead = 1;
        private int _rate;
        private long _consumed;        // buffers read or known lost since Start
        private long _lost;            // buffers known lost since Start
        private bool _anchored;
        private long _anchorUs;        // when buffer _anchorIndex completed
        private long _anchorIndex;
        private long _startUs;
        private long _nextDueUs;

        /// <summary>
        /// The converter started at <paramref name="nowUs"/>: buffers of <paramref name="framesPerBuffer"/> frames at
        /// <paramref name="rate"/>, <paramref name="waitingBuffers"/> can wait, reads of <paramref name="buffersPerRead"/> buffers.
        /// </summary>
        public void Start(long nowUs, int rate, int framesPerBuffer, int waitingBuffers, int buffersPerRead)
        {
            _buffersPerRead = buffersPerRead;
            _rate = rate;
            _framesPerBuffer = framesPerBuffer;
            _waitingBuffers = waitingBuffers;
            _periodUs = framesPerBuffer * 1000000.0 / rate;
            _consumed = 0;
            _lost = 0;
            _anchored = false;
            _startUs = nowUs;
            UpdateDue();
        }

        /// <summary>Buffers a regular read takes.</summary>
        public int BuffersPerRead { get { return _buffersPerRead; } }

        /// <summary>Duration of one buffer, µs.</summary>
        public double PeriodMicroseconds { get { return _periodUs; } }

        /// <summary>Buffers read or lost since <see cref="Start"/>: the index of the next buffer to read.</summary>
        public long Consumed { get { return _consumed; } }

        /// <summary>Buffers the DMA dropped since <see cref="Start"/>, as far as the clock tells.</summary>
        public long Lost { get { return _lost; } }

        /// <summary>Board time at which the next read (of <see cref="BuffersPerRead"/> buffers) is due: when its last buffer is complete.</summary>
        public long NextDueMicroseconds { get { return _nextDueUs; } }

        /// <summary>Works out <see cref="NextDueMicroseconds"/> after the model changed (the loop asks for it far more often).</summary>
        private void UpdateDue()
        {
            _nextDueUs = !_anchored ? _startUs
                : _anchorUs + (long)((_consumed + _buffersPerRead - 1 - _anchorIndex) * _periodUs) + DueMarginMicroseconds;
        }

        /// <summary>True after the first read: from then on the model knows when buffers complete.</summary>
        public bool IsAnchored { get { return _anchored; } }

        /// <summary>
        /// Board time by which the next read must happen for nothing to be dropped, with a read's worth of room to spare:
        /// when the waiting buffers reach what the DMA can hold less one read. A loop with nowhere to put a block may wait
        /// until then; the spare read covers a loop that wakes late (it wakes on the scheduler's 10 ms steps).
        /// </summary>
        public long LastSafeReadMicroseconds
        {
            get
            {
                if (!_anchored)
                {
                    return _startUs;
                }
                return _anchorUs + (long)((_consumed + _waitingBuffers - _buffersPerRead - _anchorIndex) * _periodUs) + DueMarginMicroseconds;
            }
        }

        /// <summary>Buffers complete by <paramref name="nowUs"/> (before the first read: none known).</summary>
        public long CompletedBy(long nowUs)
        {
            if (!_anchored)
            {
                return _consumed;
            }
            if (nowUs < _anchorUs)
            {
                return _anchorIndex + 1;
            }
            return _anchorIndex + 1 + (long)((nowUs - _anchorUs) / _periodUs);
        }

        /// <summary>
        /// Called just before a read at <paramref name="nowUs"/>: the buffers the DMA must have dropped since the last
        /// read (0 when it kept up). They count as consumed: the read returns the oldest buffer still waiting.
        /// </summary>
        public int LostBeforeRead(long nowUs)
        {
            long waiting = CompletedBy(nowUs) - _consumed;
            if (waiting <= _waitingBuffers)
            {
                return 0;
            }
            long lost = waiting - _waitingBuffers;
            _consumed += lost;
            _lost += lost;
            UpdateDue();
            return (int)lost;
        }

        /// <summary>
        /// Called after a read of <paramref name="buffers"/> buffers that began at <paramref name="beganUs"/> and returned at
        /// <paramref name="endedUs"/>. The first read after <see cref="Start"/>, and any read that waited (a quarter of a
        /// buffer or more), returned as its last buffer completed: that anchors the model.
        /// </summary>
        public void Read(long beganUs, long endedUs, int buffers)
        {
            _consumed += buffers;
            if (!_anchored || endedUs - beganUs >= _periodUs / 4)
            {
                _anchored = true;
                _anchorUs = endedUs;
                _anchorIndex = _consumed - 1;
            }
            UpdateDue();
        }

        /// <summary>Frames the converter completed by <paramref name="nowUs"/> since <see cref="Start"/> (the frame being converted then).</summary>
        public long FrameAt(long nowUs)
        {
            if (!_anchored)
            {
                return 0;
            }
            long frames = (_anchorIndex + 1) * _framesPerBuffer + (long)((nowUs - _anchorUs) * (double)_rate / 1000000.0);
            return frames < 0 ? 0 : frames;
        }
    }
}
