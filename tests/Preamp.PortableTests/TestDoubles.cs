// Test doubles for the portable tests: a scripted SPI device (golden transactions), pins, a counter and a clock.
using System;
using System.Collections;
using nanoFramework.TestFramework;
using PreampFirmware.Hal;

namespace PreampFirmware.Tests
{
    /// <summary>
    /// An SPI device that expects an exact list of chip-select frames: each <see cref="Transfer"/> must match the
    /// next expected MOSI bytes and gets the scripted MISO bytes back; <see cref="AssertDone"/> fails if any
    /// expected frame was never sent.
    /// </summary>
    public sealed class ScriptedSpi : ISpiChannel
    {
        private readonly string _name;
        private readonly ArrayList _mosi = new ArrayList();
        private readonly ArrayList _miso = new ArrayList();
        private int _next;

        /// <summary>A device called <paramref name="name"/> in failure messages.</summary>
        public ScriptedSpi(string name)
        {
            _name = name;
        }

        private int _mode;

        /// <summary>Frames received so far (a reopen counts as one step of the script).</summary>
        public int Frames { get { return _next; } }

        /// <summary>Expects the channel to be reopened in SPI mode <paramref name="mode"/> at this point of the script.</summary>
        public void ExpectReopen(int mode)
        {
            _mosi.Add("MODE " + mode.ToString());
            _miso.Add(null);
        }

        /// <inheritdoc />
        public int Mode { get { return _mode; } }

        /// <inheritdoc />
        public void Reopen(int mode)
        {
            Assert.IsTrue(_next < _mosi.Count, _name + ": unexpected reopen in mode " + mode.ToString());
            Assert.AreEqual("MODE " + mode.ToString(), _mosi[_next] as string, _name + " step " + _next.ToString() + ": reopen in mode " + mode.ToString());
            _mode = mode;
            _next++;
        }

        /// <summary>Expects a frame (hex bytes separated by spaces) and answers with <paramref name="misoHex"/> (null = zeros).</summary>
        public void Expect(string mosiHex, string misoHex)
        {
            byte[] mosi = Hex.Parse(mosiHex);
            _mosi.Add(mosi);
            _miso.Add(misoHex == null ? new byte[mosi.Length] : Hex.Parse(misoHex));
        }

        /// <inheritdoc />
        public void Transfer(byte[] tx, int txOffset, byte[] rx, int rxOffset, int count)
        {
            Assert.IsTrue(_next < _mosi.Count, _name + ": unexpected frame " + Hex.Format(tx, txOffset, count));
            Assert.IsTrue(_mosi[_next] is byte[], _name + " step " + _next.ToString() + ": expected a reopen, got frame " + Hex.Format(tx, txOffset, count));
            byte[] expected = (byte[])_mosi[_next];
            byte[] answer = (byte[])_miso[_next];
            Assert.AreEqual(expected.Length, count, _name + " frame " + _next.ToString() + ": length (CS framing)");
            for (int i = 0; i < count; i++)
            {
                if (expected[i] != tx[txOffset + i])
                {
                    Assert.AreEqual(Hex.Format(expected, 0, expected.Length), Hex.Format(tx, txOffset, count), _name + " frame " + _next.ToString());
                }
                if (rx != null)
                {
                    rx[rxOffset + i] = answer[i];
                }
            }
            _next++;
        }

        /// <summary>Fails unless every expected frame was sent.</summary>
        public void AssertDone()
        {
            Assert.AreEqual(_mosi.Count, _next, _name + ": expected frames left unsent");
        }
    }

    /// <summary>Hex strings for test scripts.</summary>
    public static class Hex
    {
        /// <summary>Parses "A1 00 FF" into bytes.</summary>
        public static byte[] Parse(string hex)
        {
            string[] parts = hex.Trim().Split(new char[] { ' ' });
            byte[] bytes = new byte[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                bytes[i] = Convert.ToByte(parts[i], 16);
            }
            return bytes;
        }

        /// <summary>Formats bytes as "A1 00 FF".</summary>
        public static string Format(byte[] data, int offset, int count)
        {
            string s = "";
            for (int i = 0; i < count; i++)
            {
                s = s + (i == 0 ? "" : " ") + data[offset + i].ToString("X2");
            }
            return s;
        }
    }

    /// <summary>An output pin that records its level and how often it was written.</summary>
    public sealed class FakeOutput : IDigitalOutput
    {
        private bool _level;
        private int _writes;
        private string _history = "";

        /// <summary>A pin starting at <paramref name="level"/>.</summary>
        public FakeOutput(bool level) { _level = level; }

        /// <inheritdoc />
        public void Write(bool high)
        {
            _level = high;
            _writes++;
            _history = _history + (high ? "1" : "0");
        }

        /// <inheritdoc />
        public bool IsHigh { get { return _level; } }

        /// <summary>Writes so far.</summary>
        public int Writes { get { return _writes; } }

        /// <summary>Levels written, as a string of 0 and 1.</summary>
        public string History { get { return _history; } }
    }

    /// <summary>An input pin whose level the test sets.</summary>
    public sealed class FakeInput : IDigitalInput
    {
        /// <summary>The level the pin reads.</summary>
        public bool Level;

        /// <summary>A pin reading <paramref name="level"/>.</summary>
        public FakeInput(bool level) { Level = level; }

        /// <inheritdoc />
        public bool Read() { return Level; }
    }

    /// <summary>A pulse counter the test moves.</summary>
    public sealed class FakeCounter : IPulseCounter
    {
        /// <summary>The count.</summary>
        public long Count;

        /// <inheritdoc />
        public long Read() { return Count; }
    }

    /// <summary>A clock that moves only when waited on; records the waits.</summary>
    public sealed class FakeClock : IMicrosecondClock
    {
        private long _now;
        private long _longestWait;

        /// <inheritdoc />
        public long NowMicroseconds { get { return _now; } }

        /// <inheritdoc />
        public void Wait(long microseconds)
        {
            _now += microseconds;
            if (microseconds > _longestWait) _longestWait = microseconds;
        }

        /// <summary>Longest single wait, µs.</summary>
        public long LongestWait { get { return _longestWait; } }
    }
}

namespace PreampFirmware.Tests
{
    /// <summary>A serial port whose received bytes the test supplies and whose sent text it reads.</summary>
    public sealed class FakeSerial : ISerialPort
    {
        private byte[] _in = new byte[0];
        private int _inAt;
        private byte[] _sent = new byte[256];
        private int _sentCount;

        /// <summary>Makes bytes available to read.</summary>
        public void Receive(byte[] data)
        {
            byte[] joined = new byte[_in.Length - _inAt + data.Length];
            Array.Copy(_in, _inAt, joined, 0, _in.Length - _inAt);
            Array.Copy(data, 0, joined, _in.Length - _inAt, data.Length);
            _in = joined;
            _inAt = 0;
        }

        /// <summary>Makes ASCII text available to read.</summary>
        public void Receive(string text)
        {
            byte[] b = new byte[text.Length];
            for (int i = 0; i < text.Length; i++) b[i] = (byte)text[i];
            Receive(b);
        }

        /// <summary>
        /// Takes what was sent so far as text (SCPI answers: printable ASCII and line ends). Binary data goes through
        /// <see cref="TakeSentBytes"/>: nanoFramework's strings end at a NUL, so bytes never become characters here.
        /// </summary>
        public string TakeSent()
        {
            byte[] b = TakeSentBytes();
            char[] text = new char[b.Length];
            for (int i = 0; i < b.Length; i++)
            {
                Assert.IsTrue(b[i] >= 0x09 && b[i] < 0x7F, "text answers only: byte " + b[i].ToString() + " at " + i.ToString());
                text[i] = (char)b[i];
            }
            return new string(text);
        }

        /// <summary>Takes what was sent so far, byte for byte.</summary>
        public byte[] TakeSentBytes()
        {
            byte[] b = new byte[_sentCount];
            Array.Copy(_sent, b, _sentCount);
            _sentCount = 0;
            return b;
        }

        /// <inheritdoc />
        public int BytesToRead { get { return _in.Length - _inAt; } }

        /// <inheritdoc />
        public int Read(byte[] buffer, int offset, int count)
        {
            int n = count < BytesToRead ? count : BytesToRead;
            Array.Copy(_in, _inAt, buffer, offset, n);
            _inAt += n;
            return n;
        }

        /// <inheritdoc />
        public void Write(byte[] buffer, int offset, int count)
        {
            if (_sentCount + count > _sent.Length)
            {
                byte[] grown = new byte[(_sentCount + count) * 2];
                Array.Copy(_sent, grown, _sentCount);
                _sent = grown;
            }
            Array.Copy(buffer, offset, _sent, _sentCount, count);
            _sentCount += count;
        }

        /// <summary>The link's speed, bytes per second (921 600 baud unless a test says otherwise).</summary>
        public int Speed = 92160;

        /// <inheritdoc />
        public int BytesPerSecond { get { return Speed; } }

        /// <summary>Received bytes the test says were lost.</summary>
        public long Overruns;

        /// <inheritdoc />
        public long ReceiveOverruns { get { return Overruns; } }
    }
}

namespace PreampFirmware.Tests
{
    /// <summary>CRC-32 (IEEE 802.3) in managed code, table-driven: the tests' stand-in for the platform's native one.</summary>
    public sealed class TableCrc32 : ICrc32
    {
        private static uint[] s_table;
        private int _calls;

        /// <summary>Calls so far.</summary>
        public int Calls { get { return _calls; } }

        /// <inheritdoc />
        public uint Compute(byte[] data, int offset, int count)
        {
            Assert.IsTrue(count > 0 && count <= 32767, "the native CRC-32 takes 1 … 32 767 bytes, got " + count.ToString());
            if (s_table == null)
            {
                uint[] t = new uint[256];
                for (uint i = 0; i < 256; i++)
                {
                    uint c = i;
                    for (int b = 0; b < 8; b++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                    t[i] = c;
                }
                s_table = t;
            }
            _calls++;
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < count; i++) crc = s_table[(crc ^ data[offset + i]) & 0xFF] ^ (crc >> 8);
            return crc ^ 0xFFFFFFFF;
        }
    }

    /// <summary>
    /// An I2S input with the DMA semantics of the real one, on a <see cref="FakeClock"/>: buffers of
    /// <see cref="FramesPerBuffer"/> frames complete every F / rate seconds from <see cref="Start"/> plus a start delay,
    /// at most <see cref="WaitingBuffers"/> wait, more drop the oldest silently; a read waits for its buffer. Frame
    /// number n carries n on channel 1 and −n on channel 2, so a test sees exactly which frames arrived.
    /// </summary>
    public sealed class FakeAudioInput : IAudioInput
    {
        private readonly FakeClock _clock;
        private readonly int _framesPerBuffer;
        private readonly int _buffers;
        private readonly long _startDelayUs;
        private long _t0;
        private int _rate;
        private long _nextToRead;     // buffer index
        private long _dropped;        // buffers
        private bool _running;
        private int _starts;

        /// <summary>A ring of <paramref name="buffers"/> buffers of <paramref name="framesPerBuffer"/> frames; the first frame comes <paramref name="startDelayUs"/> after a start.</summary>
        public FakeAudioInput(FakeClock clock, int framesPerBuffer, int buffers, long startDelayUs)
        {
            _clock = clock;
            _framesPerBuffer = framesPerBuffer;
            _buffers = buffers;
            _startDelayUs = startDelayUs;
        }

        /// <inheritdoc />
        public void Start(int sampleRate) { _rate = sampleRate; _t0 = _clock.NowMicroseconds + _startDelayUs; _nextToRead = 0; _dropped = 0; _running = true; _starts++; }

        /// <inheritdoc />
        public void Stop() { _running = false; }

        /// <inheritdoc />
        public bool IsRunning { get { return _running; } }

        /// <inheritdoc />
        public int FramesPerBuffer { get { return _framesPerBuffer; } }

        /// <inheritdoc />
        public int WaitingBuffers { get { return _buffers - 1; } }

        /// <inheritdoc />
        public int ChannelOneSlot { get { return 0; } }

        /// <summary>Buffers dropped since the last start.</summary>
        public long DroppedBuffers { get { return _dropped; } }

        /// <summary>Starts so far.</summary>
        public int Starts { get { return _starts; } }

        /// <summary>Buffers complete at <paramref name="nowUs"/>.</summary>
        public long CompletedAt(long nowUs)
        {
            if (nowUs < _t0) return 0;
            return (nowUs - _t0) * _rate / (1000000L * _framesPerBuffer);
        }

        /// <summary>Board time at which buffer <paramref name="index"/> completes (rounded up to a whole µs).</summary>
        public long CompletionOf(long index)
        {
            long n = (index + 1) * _framesPerBuffer * 1000000L;
            return _t0 + (n + _rate - 1) / _rate;
        }

        /// <inheritdoc />
        public void Read(byte[] buffer, int offset, int frames)
        {
            Assert.IsTrue(_running, "read while stopped");
            Assert.AreEqual(0, frames % _framesPerBuffer, "reads are whole buffers");
            for (int done = 0; done < frames; done += _framesPerBuffer)
            {
                long completed = CompletedAt(_clock.NowMicroseconds);
                if (completed - _nextToRead > _buffers - 1)
                {
                    long drop = completed - _nextToRead - (_buffers - 1);
                    _dropped += drop;
                    _nextToRead += drop;
                }
                if (completed <= _nextToRead)
                {
                    _clock.Wait(CompletionOf(_nextToRead) - _clock.NowMicroseconds);
                }
                long first = _nextToRead * _framesPerBuffer;
                for (int f = 0; f < _framesPerBuffer; f++)
                {
                    int at = offset + (done + f) * AudioFrame.Bytes;
                    PutSample(buffer, at, (int)(first + f));
                    PutSample(buffer, at + 3, -(int)(first + f));
                }
                _nextToRead++;
            }
        }

        /// <summary>Writes a 24-bit little-endian sample.</summary>
        public static void PutSample(byte[] b, int at, int value)
        {
            b[at] = (byte)value;
            b[at + 1] = (byte)(value >> 8);
            b[at + 2] = (byte)(value >> 16);
        }
    }
}
