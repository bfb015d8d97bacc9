// Acquisition and framing of the sample stream: ADC frames land in blocks with no per-sample copying or decoding.
using System;
using PreampFirmware.Drivers;
using PreampFirmware.Hal;

namespace PreampFirmware.Streaming
{
    /*
     * Stream frame v1 (device → host), little-endian fields:
     *
     *   off size
     *    0   2  sync A5 5A              (0xA5 never starts a text line: text is 7-bit ASCII)
     *    2   1  type 01 = samples
     *    3   1  layout 02 PACKED (the default) = 2 ch × 24 bit, records newest first, the block's ADC CRCs
     *           folded into a check after the records
     *           layout 01 CHECKED = 2 ch × 24 bit, records newest first, the ADC's CRC in every record
     *    4   4  sequence number (blocks since STReam:STARt)
     *    8   4  device time of the oldest frame, µs (wraps)
     *   12   2  frames N in this block
     *   14   2  sample rate, S/s
     *   16   1  gain of channel 1 in force, dB       17  1  gain of channel 2, dB
     *   18   1  b0 phantom1 b1 pad1 b2 polarity1 b3 mute1 b4 phantom2 b5 pad2 b6 polarity2 b7 mute2
     *   19   1  b0 frames were dropped before this block, b1 OVR ch1 seen, b2 OVR ch2 seen
     *   20   4  frames dropped on the device since STReam:STARt
     *   24   1  frame index of channel 1's last gain command in this block (FFh none): the PGA2500 applies it at
     *           the next zero crossing (≤ 16 ms later), which the host finds in the samples
     *   25   1  the same for channel 2
     *   26   2  CRC-16-CCITT of bytes 0..25
     *   28   3  ADC status word answered with the newest frame (16 bits + pad)
     *   31  6N  PACKED records: [ch0 24 bit][ch1 24 bit], newest first; then 4 bytes, the fold of the N frames'
     *           ADC CRCs c(0) … c(N-1) in time order: S1 = Σ c(k) mod 2^16, then S2 = Σ (N-k)·c(k) mod 2^16
     *           (Fletcher's running sums, so two errors cannot cancel by swapping places), both little-endian
     *   31  9N  CHECKED records: [ch0 24 bit][ch1 24 bit][ADC CRC 16 bit + pad], newest frame first
     *
     * How the records get there without a per-sample copy: every ADC frame (response, ch0, ch1, CRC = 12 bytes)
     * is clocked straight into the block 9 bytes below the previous one. Each new frame's CRC word lands on the
     * previous frame's response word, so what remains is [ch0 ch1 CRC] per frame, newest first, with the newest
     * frame's response (the STATUS register) just before the records. The ADC's own CRC travels end to end: the
     * host recomputes it over (status, ch0, ch1) and so detects corruption on the SPI bus and on the serial link.
     * Per frame the device does one SPI transfer; per block it writes the header and its CRC.
     *
     * PACKED carries 6 bytes per frame (0.917 of the wire is samples at 64 frames per block, against 0.633 for
     * CHECKED) and still checks every sample end to end: the host recomputes each frame's ADC CRC over (status,
     * ch0, ch1), folds them the same way and compares. A frame damaged on the SPI bus or on the serial link changes
     * its recomputed CRC and so the fold; the whole block is then reported damaged (CHECKED would silence only that
     * frame). The frame's response word is assumed to be the block's status word, which it is while the converter
     * runs normally; a converter that changes status mid-block fails the check, which is what should happen.
     * Per frame the device clocks the whole frame into a 12-byte scratch buffer, copies the 6 sample bytes into
     * place with one native copy and adds the CRC word to two running sums: no per-byte work, no decoding.
     */

    /// <summary>Ring of sample blocks between the ADC reader and the link writer.</summary>
    public sealed class SampleStream
    {
        /// <summary>Header bytes before the records (including the status word).</summary>
        public const int HeaderBytes = 31;
        /// <summary>Bytes per CHECKED record (one frame, two channels, the ADC's CRC).</summary>
        public const int RecordBytes = 9;
        /// <summary>Bytes per PACKED record (one frame, two channels).</summary>
        public const int PackedRecordBytes = 6;
        /// <summary>Bytes of the folded ADC CRCs after the PACKED records.</summary>
        public const int PackedCheckBytes = 4;
        /// <summary>Frames per block by default.</summary>
        public const int DefaultFramesPerBlock = 64;
        /// <summary>Blocks in the ring.</summary>
        public const int RingBlocks = 4;
        /// <summary>First sync byte.</summary>
        public const byte Sync0 = 0xA5;
        /// <summary>Second sync byte.</summary>
        public const byte Sync1 = 0x5A;
        /// <summary>Frame type of a sample block.</summary>
        public const byte TypeSamples = 0x01;
        /// <summary>Layout with the ADC's CRC in every record.</summary>
        public const byte LayoutChecked = 0x01;
        /// <summary>Layout with samples only and the block's ADC CRCs folded after them (the default).</summary>
        public const byte LayoutPacked = 0x02;
        /// <summary><see cref="Acquire"/>: the frame went into the block being filled, which is not complete yet.</summary>
        public const int FrameKept = -1;
        /// <summary><see cref="Acquire"/>: the frame was read into the scratch buffer (stopped, or the ring is full).</summary>
        public const int FrameNotKept = -2;
        /// <summary>The layout after power-on and *RST.</summary>
        public const byte DefaultLayout = LayoutPacked;

        private readonly Ads131m02 _adc;
        private readonly IMicrosecondClock _clock;
        private readonly int _framesPerBlock;
        private readonly byte[][] _blocks = new byte[RingBlocks][];
        private readonly object _lock = new object();
        private readonly byte[] _discard = new byte[Ads131m02.FrameBytes];
        private readonly byte[] _frameBuffer = new byte[Ads131m02.FrameBytes];   // PACKED: the frame just read, whole
        private int _crcSum1;       // PACKED: running sums of the block's ADC CRCs (only the low 16 bits are sent)
        private int _crcSum2;
        private int _fill;          // block being filled
        private byte[] _target;     // that block while frames can go into it; null when stopped or the ring is full
        private int _writeAt;       // where the next record goes (records are written downwards, newest lowest)
        private int _firstAt;       // where a block's first (oldest) record goes in the current layout
        private int _stride;        // record bytes in the current layout
        private int _readyHead;     // oldest block waiting for the link
        private int _readyCount;
        private uint _sequence;
        private long _framesSent;
        private long _framesDropped;
        private long _framesAcquired;
        private bool _droppedSinceLastBlock;
        private long _blockStartUs;
        private long _startUs;
        private long _lastFrameUs;
        private long _framesAtLastBlock;
        private readonly int[] _gainChangeFrame = { 0xFF, 0xFF };
        private bool _lastBlockIntact = true;
        private bool _running;
        private byte _layout = DefaultLayout;

        /// <summary>A stream reading from <paramref name="adc"/>, <paramref name="framesPerBlock"/> frames per block.</summary>
        public SampleStream(Ads131m02 adc, IMicrosecondClock clock, int framesPerBlock)
        {
            _adc = adc;
            _clock = clock;
            _framesPerBlock = framesPerBlock;
            for (int i = 0; i < RingBlocks; i++)
            {
                _blocks[i] = new byte[BlockBytes(framesPerBlock, LayoutChecked)];   // the larger layout
            }
        }

        /// <summary>Bytes of a block of <paramref name="frames"/> frames in <paramref name="layout"/> on the wire.</summary>
        public static int BlockBytes(int frames, int layout)
        {
            return layout == LayoutPacked ? HeaderBytes + PackedRecordBytes * frames + PackedCheckBytes : HeaderBytes + RecordBytes * frames;
        }

        /// <summary>Bytes of one block in the current layout.</summary>
        public int BlockLength { get { return BlockBytes(_framesPerBlock, _layout); } }

        /// <summary>Record layout (<see cref="LayoutChecked"/> or <see cref="LayoutPacked"/>).</summary>
        public byte Layout { get { return _layout; } }

        /// <summary>Chooses the record layout; only while stopped. Returns false when running.</summary>
        public bool SetLayout(byte layout)
        {
            if (_running) return false;
            _layout = layout == LayoutPacked ? LayoutPacked : LayoutChecked;
            return true;
        }

        /// <summary>Bytes between records in the current layout.</summary>
        public int RecordStride { get { return _layout == LayoutPacked ? PackedRecordBytes : RecordBytes; } }

        /// <summary>The last frame read while not streaming (response, ch0, ch1, CRC), for the meter.</summary>
        public byte[] ScratchFrame { get { return _discard; } }

        /// <summary>Frames per block.</summary>
        public int FramesPerBlock { get { return _framesPerBlock; } }

        /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
        public bool IsRunning { get { return _running; } }

        /// <summary>Frames handed to the link since start.</summary>
        public long FramesSent { get { return _framesSent; } }

        /// <summary>Frames the device had to drop since start (the link could not keep up).</summary>
        public long FramesDropped { get { return _framesDropped; } }

        /// <summary>Frames read from the converter into blocks since start.</summary>
        public long FramesAcquired { get { return _running ? _framesAcquired + FramesInBlock : _framesAcquired; } }

        /// <summary>Frames already in the block being filled.</summary>
        private int FramesInBlock { get { return _target == null ? 0 : (_firstAt - _writeAt) / _stride; } }

        /// <summary>Device time of the first frame since start, µs (valid once <see cref="FramesAcquired"/> &gt; 0).</summary>
        public long StartMicroseconds { get { return _startUs; } }

        /// <summary>Measured acquisition rate since start, frames per second (0 before two frames).</summary>
        public double ActualRate
        {
            get
            {
                long span = _lastFrameUs - _startUs;
                return span <= 0 || _framesAtLastBlock < 2 ? 0 : (_framesAtLastBlock - 1) * 1000000.0 / span;
            }
        }

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
                _framesDropped = 0;
                _framesAcquired = 0;
                _framesAtLastBlock = 0;
                _droppedSinceLastBlock = false;
                _stride = RecordStride;
                _firstAt = HeaderBytes + _stride * (_framesPerBlock - 1);
                BeginBlock();
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
                _target = null;
            }
        }

        /// <summary>The block at <see cref="_fill"/> takes frames from its first record on.</summary>
        private void BeginBlock()
        {
            _target = _blocks[_fill];
            _writeAt = _firstAt;
        }

        /// <summary>
        /// Called once per /DRDY: clocks the waiting frame into the block being filled (or, when the ring is full,
        /// into a scratch buffer, counting it as dropped). Returns the block index when this frame completed one (the
        /// caller then stamps it with <see cref="Seal"/>), <see cref="FrameKept"/> when the frame went into a block,
        /// or <see cref="FrameNotKept"/> when it went to the scratch buffer (stopped, or the ring is full).
        /// </summary>
        public int Acquire()
        {
            // The common path, once per /DRDY, kept short for the interpreter: the transfer, for PACKED one copy and
            // two additions, and a handful of field reads and writes. Records are written downwards, newest lowest.
            byte[] target = _target;
            if (target == null)
            {
                Discard();
                return FrameNotKept;
            }
            int at = _writeAt;
            if (at == _firstAt)
            {
                FirstFrameOfBlock();
            }
            if (_stride == PackedRecordBytes)
            {
                byte[] f = _frameBuffer;
                _adc.ReadFrame(f, 0);
                Array.Copy(f, Ads131m02.WordBytes, target, at, PackedRecordBytes);
                int sum = _crcSum1 + ((f[9] << 8) | f[10]);
                _crcSum1 = sum;
                _crcSum2 += sum;
                at -= PackedRecordBytes;
            }
            else
            {
                // The frame lands 3 bytes early: its response word is overwritten by the next frame's CRC word.
                _adc.ReadFrame(target, at - Ads131m02.WordBytes);
                at -= RecordBytes;
            }
            _writeAt = at;
            if (at >= HeaderBytes)
            {
                return FrameKept;
            }
            _target = null;   // until Seal queues it and takes the next one
            _framesAcquired += _framesPerBlock;
            _lastFrameUs = _clock.NowMicroseconds;
            _framesAtLastBlock = _framesAcquired;
            return _fill;
        }

        /// <summary>Once per block, at its first frame: the block's time stamp and fresh CRC sums.</summary>
        private void FirstFrameOfBlock()
        {
            _blockStartUs = _clock.NowMicroseconds;
            if (_framesAcquired == 0)
            {
                _startUs = _blockStartUs;
            }
            _crcSum1 = 0;
            _crcSum2 = 0;
        }

        /// <summary>Stopped, or the ring is full: the frame is read (the converter wants it read) and thrown away.</summary>
        private void Discard()
        {
            _adc.ReadFrame(_discard, 0);
            if (!_running)
            {
                return;
            }
            _framesDropped++;
            _droppedSinceLastBlock = true;
            lock (_lock)
            {
                if (_readyCount < RingBlocks)
                {
                    BeginBlock();   // room again: the next frame starts a fresh block
                }
            }
        }

        /// <summary>
        /// Writes the header of the completed block <paramref name="block"/> (gains, relay and mute bits, overload
        /// flags) and queues it for the link.
        /// </summary>
        public void Seal(int block, int sampleRate, int gain1, int gain2, int relayBits, int flags)
        {
            byte[] b = _blocks[block];
            b[0] = Sync0;
            b[1] = Sync1;
            b[2] = TypeSamples;
            b[3] = _layout;
            PutUInt32(b, 4, _sequence);
            PutUInt32(b, 8, (uint)_blockStartUs);
            b[12] = (byte)_framesPerBlock;
            b[13] = (byte)(_framesPerBlock >> 8);
            b[14] = (byte)sampleRate;
            b[15] = (byte)(sampleRate >> 8);
            b[16] = (byte)gain1;
            b[17] = (byte)gain2;
            b[18] = (byte)relayBits;
            b[19] = (byte)(flags | (_droppedSinceLastBlock ? 0x01 : 0));
            PutUInt32(b, 20, (uint)_framesDropped);
            b[24] = (byte)_gainChangeFrame[0];
            b[25] = (byte)_gainChangeFrame[1];
            _gainChangeFrame[0] = 0xFF;
            _gainChangeFrame[1] = 0xFF;
            ushort crc = Crc16Ccitt.Compute(b, 0, 26);
            b[26] = (byte)crc;
            b[27] = (byte)(crc >> 8);
            // Spot check of the newest frame, once per block (the host checks them all). CHECKED: status, samples and
            // CRC are contiguous in the block. PACKED: the frame is whole in the scratch buffer; its response word is
            // the block's status word, and the folded CRCs follow the records.
            if (_layout == LayoutPacked)
            {
                byte[] f = _frameBuffer;
                Array.Copy(f, 0, b, HeaderBytes - Ads131m02.WordBytes, Ads131m02.WordBytes);
                int at = HeaderBytes + PackedRecordBytes * _framesPerBlock;
                b[at] = (byte)_crcSum1;
                b[at + 1] = (byte)(_crcSum1 >> 8);
                b[at + 2] = (byte)_crcSum2;
                b[at + 3] = (byte)(_crcSum2 >> 8);
                _lastBlockIntact = Crc16Ccitt.Compute(f, 0, 3 * Ads131m02.WordBytes) == ((f[9] << 8) | f[10]);
            }
            else
            {
                _lastBlockIntact = Crc16Ccitt.Compute(b, HeaderBytes - Ads131m02.WordBytes, 3 * Ads131m02.WordBytes) ==
                                   ((b[HeaderBytes + 6] << 8) | b[HeaderBytes + 7]);
            }
            _droppedSinceLastBlock = false;
            _sequence++;
            lock (_lock)
            {
                _readyCount++;
                _fill = (_fill + 1) % RingBlocks;
                if (_running && _readyCount < RingBlocks)
                {
                    BeginBlock();
                }
            }
        }

        /// <summary>
        /// Notes that a gain command for <paramref name="channel"/> was just sent: the block being filled records the
        /// frame it came at (one frame early, so the host never starts looking after the change).
        /// </summary>
        public void MarkGainChange(int channel)
        {
            int frames = FramesInBlock;
            int at = frames > 0 ? frames - 1 : 0;
            _gainChangeFrame[channel] = at > 254 ? 254 : at;
        }

        /// <summary>The block the frames are being read into (for metering the one just completed, use the index <see cref="Acquire"/> returned).</summary>
        public byte[] Block(int index)
        {
            return _blocks[index];
        }

        /// <summary>True when the newest frame of the last sealed block passed the ADC's CRC (one frame checked per block).</summary>
        public bool LastBlockIntact { get { return _lastBlockIntact; } }

        /// <summary>Blocks waiting for the link (a cheap check before taking the lock).</summary>
        public int ReadyBlocks { get { return _readyCount; } }

        /// <summary>Oldest block waiting for the link, or null; its length is <see cref="BlockBytes"/>.</summary>
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

        private static void PutUInt32(byte[] b, int at, uint v)
        {
            b[at] = (byte)v;
            b[at + 1] = (byte)(v >> 8);
            b[at + 2] = (byte)(v >> 16);
            b[at + 3] = (byte)(v >> 24);
        }
    }
}
