// IAudioInput over nanoFramework's I2sDevice: the ESP32-S3 as I2S master receiving the PCM1863, DMA into fixed buffers.
using System;
using System.Device.I2s;
using nanoFramework.Hardware.Esp32;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>
    /// The PCM1863's samples through nanoFramework's I2S driver (ESP-IDF legacy driver underneath). Every quirk of
    /// that driver stays here, behind the plain "read N whole frames" of <see cref="IAudioInput"/>
    /// (../shared/reference/rev-b-facts.md §3):
    /// <list type="bullet">
    /// <item>Only <c>Master | Rx</c> routes the data pin, and receive always uses 32-bit slots: 64 BCK per frame,
    /// which is what the PCM1863's BCK-PLL slave mode takes.</item>
    /// <item>DMA buffers hold 256 frames each (fixed in the native code); <see cref="DmaBuffers"/> of them make the
    /// ring, and ESP-IDF queues one fewer for the reader. An overrun drops the oldest queued buffer silently: the
    /// firmware counts it from the clock.</item>
    /// <item>A <c>Bit24</c> read of a span consumes as many DMA bytes as the span is long and writes three quarters of
    /// it (an integer division, 8 / 6 = 1, in the native code): a span of 8 × N bytes brings N packed frames. A
    /// one-time check at the first start tells whether the running firmware has that quirk or a corrected division,
    /// and reads are sized for what it has. Packed 24-bit frames keep the link at 72 % of 4 Mbaud (32-bit would be
    /// 96 %), with no managed loop over samples.</item>
    /// <item><c>Read</c> waits inside the interpreter, holding every managed thread, until its buffers are complete:
    /// the firmware reads only when a block is due.</item>
    /// </list>
    /// </summary>
    public sealed class Esp32AudioInput : IAudioInput
    {
        /// <summary>Frames per DMA buffer (nanoFramework's dma_frame_num).</summary>
        public const int DmaFramesPerBuffer = 256;
        /// <summary>DMA buffers in the ring: 85 ms at 48 kHz for the control tick and flash writes to take. 32 KiB of internal RAM.</summary>
        public const int DmaBuffers = 16;
        /// <summary>DMA bytes per stereo frame: two 32-bit slots.</summary>
        public const int DmaFrameBytes = 8;
        /// <summary>
        /// Slot of channel 1 (the PCM1863's ADC1L) in a frame as the driver delivers it. The native Bit24 mapping emits
        /// the word at +4 first, meant as the left channel; on the ESP32-S3 that is [verify]: feed a tone to input 1
        /// only, capture, and see which channel of the file carries it. If it is the other, set this to 1 — the stream
        /// header then says so and the host and the meter follow, with no per-sample swap on the device.
        /// </summary>
        public const int SlotOfChannelOne = 0;

        private readonly int _bus;
        private readonly byte[] _scratch = new byte[DmaFramesPerBuffer * DmaFrameBytes];
        private I2sDevice _device;
        private bool _checked;
        private bool _spanIsDmaBytes;   // true: the Bit24 quirk (span of 8 × N bytes for N frames)
        private bool _running;

        /// <summary>Routes the I2S pins of bus <paramref name="bus"/> (1 = I2S1) and prepares the input; nothing runs until <see cref="Start"/>.</summary>
        public Esp32AudioInput(int bus, int bitClockPin, int wordSelectPin, int dataInPin)
        {
            _bus = bus;
            Configuration.SetPinFunction(bitClockPin, bus == 1 ? DeviceFunction.I2S1_BCK : DeviceFunction.I2S2_BCK);
            Configuration.SetPinFunction(wordSelectPin, bus == 1 ? DeviceFunction.I2S1_WS : DeviceFunction.I2S2_WS);
            Configuration.SetPinFunction(dataInPin, bus == 1 ? DeviceFunction.I2S1_MDATA_IN : DeviceFunction.I2S2_MDATA_IN);
        }

        /// <inheritdoc />
        public int FramesPerBuffer { get { return DmaFramesPerBuffer; } }

        /// <inheritdoc />
        public int WaitingBuffers { get { return DmaBuffers - 1; } }

        /// <inheritdoc />
        public int ChannelOneSlot { get { return SlotOfChannelOne; } }

        /// <inheritdoc />
        public bool IsRunning { get { return _running; } }

        /// <inheritdoc />
        public void Start(int sampleRate)
        {
            Stop();
            I2sConnectionSettings settings = new I2sConnectionSettings(_bus);
            settings.Mode = I2sMode.Master | I2sMode.Rx;
            settings.BitsPerSample = I2sBitsPerSample.Bit24;
            settings.ChannelFormat = I2sChannelFormat.RightLeft;
            settings.CommunicationFormat = I2sCommunicationFormat.I2S;
            settings.SampleRate = sampleRate;
            settings.BufferSize = DmaBuffers * DmaFramesPerBuffer * DmaFrameBytes;
            _device = new I2sDevice(settings);   // the DMA runs from here on
            _running = true;
            if (!_checked)
            {
                _spanIsDmaBytes = ReadFillsThreeQuarters();
                _checked = true;
            }
        }

        /// <summary>
        /// The one-time check: a Bit24 read of 6144 bytes (3 DMA buffers with the quirk, 4 without, whole buffers either
        /// way) into a span pre-filled with a pattern. With the quirk only the first 4608 bytes are written and the last
        /// 1536 keep the pattern, which audio cannot reproduce over 1536 bytes.
        /// </summary>
        private bool ReadFillsThreeQuarters()
        {
            byte[] probe = new byte[3 * DmaFramesPerBuffer * DmaFrameBytes];
            for (int i = 0; i < probe.Length; i++)
            {
                probe[i] = (byte)((i & 1) == 0 ? 0x5A : 0xA5);
            }
            _device.Read(new SpanByte(probe));
            for (int i = probe.Length * 3 / 4; i < probe.Length; i++)
            {
                if (probe[i] != (byte)((i & 1) == 0 ? 0x5A : 0xA5))
                {
                    return false;
                }
            }
            return true;
        }

        /// <inheritdoc />
        public void Stop()
        {
            if (_device != null)
            {
                _device.Dispose();
                _device = null;
            }
            _running = false;
        }

        /// <inheritdoc />
        public void Read(byte[] buffer, int offset, int frames)
        {
            int packed = frames * AudioFrame.Bytes;
            if (!_spanIsDmaBytes)
            {
                _device.Read(new SpanByte(buffer, offset, packed));
                return;
            }
            for (int done = 0; done < frames; done += DmaFramesPerBuffer)
            {
                _device.Read(new SpanByte(_scratch));
                Array.Copy(_scratch, 0, buffer, offset + done * AudioFrame.Bytes, DmaFramesPerBuffer * AudioFrame.Bytes);
            }
        }
    }
}
