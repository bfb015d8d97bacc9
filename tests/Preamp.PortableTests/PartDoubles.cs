// Doubles for testing each firmware part on its own: chips that answer like the real ones, a file store, a rig of parts.
using System;
using System.Collections;
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Hal;
using PreampFirmware.Health;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    /// <summary>
    /// A PGA2500 chain on SPI: each frame shifts out the frame clocked in before it (the daisy chain's loop-back), and the
    /// chips hold the last frame. <see cref="Stuck"/> forces MISO to all ones or all zeros, as a broken line would.
    /// </summary>
    public sealed class ChainSpi : ISpiChannel
    {
        private int _mode;

        /// <inheritdoc />
        public int Mode { get { return _mode; } }

        /// <inheritdoc />
        public void Reopen(int mode) { _mode = mode; }

        /// <summary>MISO works.</summary>
        public const int Working = -1;

        private readonly byte[] _held = new byte[Pga2500Chain.FrameBytes];
        private int _frames;

        /// <summary><see cref="Working"/>, or the level (0 or 1) MISO is stuck at.</summary>
        public int Stuck = Working;

        /// <summary>Frames received.</summary>
        public int Frames { get { return _frames; } }

        /// <inheritdoc />
        public void Transfer(byte[] tx, int txOffset, byte[] rx, int rxOffset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                rx[rxOffset + i] = Stuck == Working ? _held[i] : Stuck == 0 ? (byte)0 : (byte)0xFF;
                _held[i] = tx[txOffset + i];
            }
            _frames++;
        }

        /// <summary>The word channel <paramref name="channel"/>'s chip holds (0-based).</summary>
        public int WordOf(int channel)
        {
            int at = channel == 0 ? 2 : 0;
            return (_held[at] << 8) | _held[at + 1];
        }

        /// <summary>The gain channel <paramref name="channel"/>'s chip holds, dB.</summary>
        public int GainOf(int channel)
        {
            return Pga2500Chain.GainDbFromCode(WordOf(channel) & Pga2500Word.GainMask);
        }
    }

    /// <summary>
    /// A PCM1863 control port: a register file that a reset (00h ← FEh) returns to its reset values, status registers
    /// that say the part runs once <see cref="Clocked"/> is set at a rate, and writes counted, so a test can tell a
    /// read-only check from one that touched the part. <see cref="Dead"/> answers zeros, as a part without power does.
    /// </summary>
    public sealed class RegisterSpi : ISpiChannel
    {
        private int _mode;

        /// <inheritdoc />
        public int Mode { get { return _mode; } }

        /// <inheritdoc />
        public void Reopen(int mode) { _mode = mode; }

        private readonly int[] _regs = new int[128];
        private int _writes;

        /// <summary>A part just powered: its reset values.</summary>
        public RegisterSpi()
        {
            Reset();
        }

        /// <summary>The rate of the clocks the part runs on, S/s (0: no clocks, the part does not run).</summary>
        public int Clocked;

        /// <summary>True: every read answers zero.</summary>
        public bool Dead;

        /// <summary>Register writes so far.</summary>
        public int Writes { get { return _writes; } }

        /// <summary>A register's value.</summary>
        public int Register(int address) { return _regs[address]; }

        /// <summary>Changes a register behind the driver's back (a glitch, a brown-out).</summary>
        public void Poke(int address, int value) { _regs[address] = value; }

        private void Reset()
        {
            for (int i = 0; i < _regs.Length; i++) _regs[i] = 0;
            _regs[Pcm1863Reg.Format] = Pcm1863Reg.FormatI2s24;
            _regs[Pcm1863Reg.InputLeft] = Pcm1863Reg.InputReset;
            _regs[Pcm1863Reg.InputRight] = Pcm1863Reg.InputReset;
        }

        /// <inheritdoc />
        public void Transfer(byte[] tx, int txOffset, byte[] rx, int rxOffset, int count)
        {
            int address = tx[txOffset] >> 1;
            bool read = (tx[txOffset] & 1) != 0;
            rx[rxOffset] = 0;
            if (read)
            {
                rx[rxOffset + 1] = Dead ? (byte)0 : (byte)Value(address);
                return;
            }
            _writes++;
            if (address == Pcm1863Reg.Page && tx[txOffset + 1] == Pcm1863Reg.ResetCommand)
            {
                Reset();
                return;
            }
            _regs[address] = tx[txOffset + 1];
        }

        private int Value(int address)
        {
            bool running = Clocked > 0 && _regs[Pcm1863Reg.Power] == Pcm1863Reg.PowerRun;
            switch (address)
            {
                case Pcm1863Reg.DeviceStatus: return running ? Pcm1863Reg.StateRun : 0;
                case Pcm1863Reg.RateStatus: return running ? Pcm1863.RateClass(Clocked) : 0;
                case Pcm1863Reg.RatioStatus: return running ? Pcm1863Reg.BckRatio64 << 4 : 0;
                case Pcm1863Reg.ClockStatus: return running ? 0 : 0x66;
                case Pcm1863Reg.SupplyStatus: return Pcm1863Reg.SuppliesGood;
                default: return _regs[address];
            }
        }
    }

    /// <summary>An audio input whose clocks start the fake PCM1863 (the I2S clocks the part locks to), over <see cref="FakeAudioInput"/>.</summary>
    public sealed class ClockedAudio : IAudioInput
    {
        private readonly FakeAudioInput _inner;
        private readonly RegisterSpi _adc;

        /// <summary>I2S that clocks <paramref name="adc"/> while it runs.</summary>
        public ClockedAudio(FakeClock clock, RegisterSpi adc)
        {
            _inner = new FakeAudioInput(clock, 256, 16, 37);
            _adc = adc;
        }

        /// <inheritdoc />
        public void Start(int sampleRate) { _inner.Start(sampleRate); _adc.Clocked = sampleRate; }

        /// <inheritdoc />
        public void Stop() { _inner.Stop(); _adc.Clocked = 0; }

        /// <inheritdoc />
        public bool IsRunning { get { return _inner.IsRunning; } }

        /// <inheritdoc />
        public int FramesPerBuffer { get { return _inner.FramesPerBuffer; } }

        /// <inheritdoc />
        public int WaitingBuffers { get { return _inner.WaitingBuffers; } }

        /// <inheritdoc />
        public int ChannelOneSlot { get { return 0; } }

        /// <summary>Starts so far.</summary>
        public int Starts { get { return _inner.Starts; } }

        /// <inheritdoc />
        public void Read(byte[] buffer, int offset, int frames) { _inner.Read(buffer, offset, frames); }
    }

    /// <summary>Files in memory; writes can be made to fail, as a full or worn flash does.</summary>
    public sealed class FakeFileStore : IFileStore
    {
        private readonly ArrayList _names = new ArrayList();
        private readonly ArrayList _data = new ArrayList();
        private int _writes;

        /// <summary>True: every write throws and leaves the file as it was.</summary>
        public bool FailWrites;

        /// <summary>True: every read throws (a flash that does not answer).</summary>
        public bool FailReads;

        /// <summary>True: every delete throws.</summary>
        public bool FailDeletes;

        /// <summary>True: writes report success and store nothing (a flash that lies).</summary>
        public bool DropWrites;

        /// <summary>Writes that succeeded.</summary>
        public int Writes { get { return _writes; } }

        /// <inheritdoc />
        public bool Exists(string name) { return _names.IndexOf(name) >= 0; }

        /// <inheritdoc />
        public byte[] ReadAll(string name)
        {
            if (FailReads) throw new InvalidOperationException("flash read failed");
            int i = _names.IndexOf(name);
            if (i < 0) return null;
            byte[] stored = (byte[])_data[i];
            byte[] copy = new byte[stored.Length];
            Array.Copy(stored, copy, stored.Length);
            return copy;
        }

        /// <inheritdoc />
        public void WriteAll(string name, byte[] data, int count)
        {
            if (FailWrites) throw new InvalidOperationException("flash write failed");
            if (DropWrites) return;
            byte[] copy = new byte[count];
            Array.Copy(data, copy, count);
            int i = _names.IndexOf(name);
            if (i < 0) { _names.Add(name); _data.Add(copy); }
            else _data[i] = copy;
            _writes++;
        }

        /// <inheritdoc />
        public void Delete(string name)
        {
            if (FailDeletes) throw new InvalidOperationException("flash erase failed");
            int i = _names.IndexOf(name);
            if (i < 0) return;
            _names.RemoveAt(i);
            _data.RemoveAt(i);
        }

        /// <summary>Flips a bit of a stored file (a record damaged on flash).</summary>
        public void Damage(string name, int at)
        {
            int i = _names.IndexOf(name);
            byte[] stored = (byte[])_data[i];
            stored[at] ^= 0x10;
        }
    }

    /// <summary>Collects the device errors reported, as "code:detail" lines.</summary>
    public sealed class ErrorLog
    {
        private string _text = "";
        private int _count;

        /// <summary>A log listening to <paramref name="errors"/>.</summary>
        public ErrorLog(DeviceErrors errors)
        {
            errors.Raised += Add;
        }

        private void Add(int code, string detail)
        {
            _text = _text + code.ToString() + ":" + detail + "\n";
            _count++;
        }

        /// <summary>Errors heard.</summary>
        public int Count { get { return _count; } }

        /// <summary>Everything heard.</summary>
        public string Text { get { return _text; } }
    }

    /// <summary>Channels over a loop-back PGA2500 chain and fake relay pins: the control part with nothing else.</summary>
    public sealed class ChannelRig
    {
        /// <summary>The chain's SPI.</summary>
        public readonly ChainSpi Spi = new ChainSpi();
        /// <summary>The chain.</summary>
        public readonly Pga2500Chain Gain;
        /// <summary>The overload pins.</summary>
        public readonly FakeInput Ovr1 = new FakeInput(false);
        /// <summary>The overload pins.</summary>
        public readonly FakeInput Ovr2 = new FakeInput(false);
        /// <summary>The channels.</summary>
        public readonly Channels Channels;

        /// <summary>A ready pair of channels, in their safe state.</summary>
        public ChannelRig()
        {
            Gain = new Pga2500Chain(Spi, new FakeOutput(false), Ovr1, Ovr2);
            ChannelRelays[] relays = new ChannelRelays[Channels.Count];
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                relays[ch] = new ChannelRelays(new Relay(new FakeOutput(false)), new Relay(new Pga2500Gpo(Gain, ch, 1)), new Relay(new Pga2500Gpo(Gain, ch, 2)));
            }
            Channels = new Channels(Gain, relays);
            Channels.EnterSafeState();
            Channels.Ready = true;
        }

        /// <summary>Runs the relay sequencers for <paramref name="ms"/> in 5 ms ticks.</summary>
        public void Run(int ms)
        {
            for (int t = 0; t < ms; t += 5) Channels.Tick(5);
        }
    }

    /// <summary>The order things happened in, across parts: "name=level" for pins, "spi" for frames.</summary>
    public sealed class OrderLog
    {
        private string _text = "";

        /// <summary>Everything so far, space-separated.</summary>
        public string Text { get { return _text; } }

        /// <summary>Adds an entry.</summary>
        public void Add(string what) { _text = _text.Length == 0 ? what : _text + " " + what; }

        /// <summary>Forgets everything so far.</summary>
        public void Clear() { _text = ""; }
    }

    /// <summary>An output pin that writes its changes to an <see cref="OrderLog"/>.</summary>
    public sealed class LoggedOutput : IDigitalOutput
    {
        private readonly OrderLog _log;
        private readonly string _name;
        private bool _level;

        /// <summary>A pin called <paramref name="name"/> in the log.</summary>
        public LoggedOutput(OrderLog log, string name) { _log = log; _name = name; }

        /// <inheritdoc />
        public void Write(bool high) { _level = high; _log.Add(_name + "=" + (high ? "1" : "0")); }

        /// <inheritdoc />
        public bool IsHigh { get { return _level; } }
    }

    /// <summary>A PGA2500 chain (as <see cref="ChainSpi"/>) that logs each frame.</summary>
    public sealed class LoggedSpi : ISpiChannel
    {
        private int _mode;

        /// <inheritdoc />
        public int Mode { get { return _mode; } }

        /// <inheritdoc />
        public void Reopen(int mode) { _mode = mode; }

        private readonly OrderLog _log;
        private readonly ChainSpi _chain = new ChainSpi();

        /// <summary>A chain logging to <paramref name="log"/>.</summary>
        public LoggedSpi(OrderLog log) { _log = log; }

        /// <inheritdoc />
        public void Transfer(byte[] tx, int txOffset, byte[] rx, int rxOffset, int count)
        {
            _chain.Transfer(tx, txOffset, rx, rxOffset, count);
            _log.Add("spi");
        }
    }
}
