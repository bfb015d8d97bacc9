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

        /// <summary>Frames received so far.</summary>
        public int Frames { get { return _next; } }

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
        private string _out = "";

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

        /// <summary>Takes what was sent so far.</summary>
        public string TakeSent()
        {
            string s = _out;
            _out = "";
            return s;
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
            for (int i = 0; i < count; i++) _out = _out + (char)buffer[offset + i];
        }

        /// <inheritdoc />
        public int BytesPerSecond { get { return 92160; } }
    }
}
