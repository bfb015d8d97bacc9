// The ESP32-S3's I2S receiver as nanoFramework drives it: the master clocks, a DMA ring of fixed buffers, a read that
// waits, and an overrun that silently drops the oldest buffer.
using System;
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>How the simulated receiver frames each 32-bit slot (SIMulation:FAULt AUDIO,BYTESWAP|BITREV|SHIFT).</summary>
public enum I2sFraming
{
    /// <summary>As I2S sends it: the 24 data bits MSB first after the one-bit delay, 8 zero bits after.</summary>
    Normal,
    /// <summary>The slot's three data bytes stored in reverse order (rx_big_endian acting on the 24 data bits).</summary>
    ByteSwap,
    /// <summary>The slot's 24 data bits stored in reverse order (rx_bit_order LSB first on the 24 data bits).</summary>
    BitReverse,
    /// <summary>
    /// Each slot captured one bit clock late (the PCM1863 sends left-justified, the receiver waits I2S's one-bit delay):
    /// the data's MSB falls before the window, the first padding bit (0) enters at the bottom of the data.
    /// </summary>
    ShiftLate,
}

/// <summary>
/// The I2S input of the simulated board, with the semantics of nanoFramework's driver over ESP-IDF's legacy I2S
/// (rev-b-facts §3): once started, frames are clocked at the rate whether or not anyone reads; they fill a ring of
/// <see cref="Buffers"/> DMA buffers of <see cref="FramesPerBuffer"/> frames; a complete buffer is queued for the
/// reader, and the queue holds one buffer fewer than the ring (IDF: <c>xQueueCreate(buf_cnt - 1)</c>): when it is
/// full, the completing buffer pushes the oldest out, and no one is told. <see cref="Read"/> waits (advancing board
/// time) until its buffers are complete. Frames come from the PCM1863 model, fed by the board's analog chain.
/// </summary>
public sealed class SimI2s : IAudioInput
{
    /// <summary>Frames per DMA buffer (nanoFramework fixes dma_frame_num at 256).</summary>
    public const int DefaultFramesPerBuffer = 256;
    /// <summary>DMA buffers in the ring (the firmware's BufferSize / 2048).</summary>
    public const int DefaultBuffers = 16;
    /// <summary>Delay from <see cref="Start"/> to the first frame, µs (driver install; the firmware cannot know it exactly).</summary>
    public const double ClockStartMicroseconds = 37.5;

    private readonly SimBoard _board;
    private readonly SimPcm1863 _adc;
    private readonly SimAnalogChain _analog;
    private readonly byte[][] _ring;
    private readonly int[] _queue;
    private int _queueHead;
    private int _queueCount;
    private int _dmaBuffer;          // ring buffer the DMA fills now
    private int _dmaFill;            // frames in it
    private long _framesClocked;     // frames delivered since Start
    private long _buffersCompleted;
    private double _t0;              // board time of frame 0, µs
    private double _periodUs;        // one frame, µs
    private int _rate;
    private bool _running;

    internal SimI2s(SimBoard board, SimPcm1863 adc, SimAnalogChain analog, int framesPerBuffer = DefaultFramesPerBuffer, int buffers = DefaultBuffers)
    {
        _board = board;
        _adc = adc;
        _analog = analog;
        FramesPerBuffer = framesPerBuffer;
        Buffers = buffers;
        _ring = new byte[buffers][];
        for (int i = 0; i < buffers; i++) _ring[i] = new byte[framesPerBuffer * AudioFrame.Bytes];
        _queue = new int[buffers];
    }

    /// <inheritdoc />
    public int FramesPerBuffer { get; }

    /// <summary>DMA buffers in the ring.</summary>
    public int Buffers { get; }

    /// <inheritdoc />
    public int WaitingBuffers => Buffers - 1;

    /// <inheritdoc />
    public int ChannelOneSlot => 0;

    /// <inheritdoc />
    public bool IsRunning => _running;

    /// <summary>Frame rate of the clocks, S/s.</summary>
    public int Rate => _rate;

    /// <summary>
    /// How the receiver frames the slots (survives power cycles: it comes from the nanoFramework image and the wiring).
    /// The firmware's framing check finds it from the samples (firmware/Preamp.Firmware/Streaming/SampleFraming.cs names
    /// what of this model is [verify]).
    /// </summary>
    public I2sFraming Framing { get; set; }

    /// <summary>
    /// The 24-bit value the firmware reads for converter sample <paramref name="sample"/> under <paramref name="framing"/>,
    /// worked at the bit level of the 32-bit slot: the PCM1863's 24-bit word is the top of the slot (I2S, 64 BCK per
    /// frame), the receiver stores the slot as <paramref name="framing"/> says, and nanoFramework's Bit24 read keeps
    /// bytes 1 to 3 of the stored word (its <c>i2s_frame_map</c>, {5,6,7,1,2,3} per stereo frame).
    /// </summary>
    public static int Deliver(int sample, I2sFraming framing)
    {
        uint slot = (uint)(sample & 0xFFFFFF) << 8;
        switch (framing)
        {
            case I2sFraming.ByteSwap:
                slot = ((slot & 0xFF00) << 16) | (slot & 0xFF0000) | ((slot >> 16) & 0xFF00) | (slot & 0xFF);
                break;
            case I2sFraming.BitReverse:
                uint data = slot >> 8, reversed = 0;
                for (int i = 0; i < 24; i++) reversed |= ((data >> i) & 1) << (23 - i);
                slot = (reversed << 8) | (slot & 0xFF);
                break;
            case I2sFraming.ShiftLate:
                slot <<= 1;   // the MSB is gone; the bit after the slot's last (the next slot's delay bit, 0) enters at the bottom
                break;
        }
        return (int)(slot >> 8);
    }

    /// <summary>Buffers the DMA completed since the last start.</summary>
    public long BuffersCompleted => _buffersCompleted;

    /// <summary>Buffers pushed out of the full queue since the board powered up (the overruns nobody is told about).</summary>
    public long BuffersDropped { get; private set; }

    /// <summary>Board time of every drop since power-up, µs (one entry per dropped buffer).</summary>
    public System.Collections.Generic.List<long> DropTimesUs { get; } = new();

    /// <summary>Which buffers were dropped since the last <see cref="Start"/>: their index (buffer 0 holds the first 256 frames after the start).</summary>
    public System.Collections.Generic.List<long> DroppedBufferIndices { get; } = new();

    /// <summary>Frames in <see cref="BuffersDropped"/>.</summary>
    public long FramesDropped => BuffersDropped * FramesPerBuffer;

    /// <summary>Buffers read since the board powered up.</summary>
    public long BuffersRead { get; private set; }

    /// <summary>Complete buffers waiting for the reader now.</summary>
    public int Waiting => _queueCount;

    /// <inheritdoc />
    public void Start(int sampleRate)
    {
        if (_running) Stop();
        _rate = sampleRate;
        _periodUs = 1e6 / sampleRate;
        _t0 = _board.NowMicroseconds + ClockStartMicroseconds;
        _framesClocked = 0;
        _buffersCompleted = 0;
        _queueHead = 0;
        _queueCount = 0;
        DroppedBufferIndices.Clear();
        _dmaBuffer = 0;
        _dmaFill = 0;
        _running = true;
        _adc.ClocksStarted(sampleRate, 64, (long)Math.Ceiling(_t0));
        _analog.Restart();
    }

    /// <inheritdoc />
    public void Stop()
    {
        if (!_running) return;
        CatchUp(_board.NowMicroseconds);
        _running = false;
        _adc.ClocksStopped();
    }

    /// <summary>Board time at which the next buffer completes, µs (long.MaxValue when stopped).</summary>
    public long NextBufferDoneUs => _running ? (long)Math.Ceiling(_t0 + (_buffersCompleted + 1) * FramesPerBuffer * _periodUs - 1e-6) : long.MaxValue;

    /// <summary>
    /// Clocks in every frame due by <paramref name="nowUs"/> (a frame is in when its period has passed): the analog chain
    /// and the converter produce them into the DMA buffer; a full buffer is queued, pushing out the oldest when the
    /// queue is full.
    /// </summary>
    internal void CatchUp(long nowUs)
    {
        if (!_running) return;
        long due = (long)Math.Floor((nowUs - _t0) / _periodUs + 1e-9);
        while (_framesClocked < due)
        {
            int n = (int)Math.Min(due - _framesClocked, FramesPerBuffer - _dmaFill);
            double start = _t0 + _framesClocked * _periodUs;
            var volts = _analog.Render(start, _periodUs, n, _rate);
            _adc.Convert(volts, n, _ring[_dmaBuffer], _dmaFill * AudioFrame.Bytes);
            if (Framing != I2sFraming.Normal) Reframe(_ring[_dmaBuffer], _dmaFill * AudioFrame.Bytes, n);
            _dmaFill += n;
            _framesClocked += n;
            if (_dmaFill == FramesPerBuffer) Complete();
        }
    }

    /// <summary>Puts <paramref name="frames"/> frames at <paramref name="offset"/> in the framing the receiver gives them.</summary>
    private void Reframe(byte[] b, int offset, int frames)
    {
        for (int p = offset; p < offset + frames * AudioFrame.Bytes; p += AudioFrame.SampleBytes)
        {
            int v = Deliver(b[p] | (b[p + 1] << 8) | (b[p + 2] << 16), Framing);
            b[p] = (byte)v;
            b[p + 1] = (byte)(v >> 8);
            b[p + 2] = (byte)(v >> 16);
        }
    }

    private void Complete()
    {
        if (_queueCount == WaitingBuffers)
        {
            _queueHead = (_queueHead + 1) % _queue.Length;   // the oldest waiting buffer is gone, silently
            DroppedBufferIndices.Add(_buffersCompleted - _queueCount);
            _queueCount--;
            BuffersDropped++;
            DropTimesUs.Add((long)Math.Ceiling(_t0 + _framesClocked * _periodUs));
        }
        _queue[(_queueHead + _queueCount) % _queue.Length] = _dmaBuffer;
        _queueCount++;
        _buffersCompleted++;
        _dmaBuffer = (_dmaBuffer + 1) % Buffers;
        _dmaFill = 0;
    }

    /// <inheritdoc />
    public void Read(byte[] buffer, int offset, int frames)
    {
        if (!_running) throw new InvalidOperationException("I2S read while the clocks are stopped: on the board it would wait forever");
        if (frames % FramesPerBuffer != 0) throw new ArgumentException("reads are whole DMA buffers of " + FramesPerBuffer + " frames, got " + frames);
        for (int done = 0; done < frames; done += FramesPerBuffer)
        {
            while (_queueCount == 0)
            {
                _board.AdvanceTo(NextBufferDoneUs);   // the native read waits for the DMA
            }
            int b = _queue[_queueHead];
            _queueHead = (_queueHead + 1) % _queue.Length;
            _queueCount--;
            Array.Copy(_ring[b], 0, buffer, offset + done * AudioFrame.Bytes, FramesPerBuffer * AudioFrame.Bytes);
            BuffersRead++;
        }
    }
}
