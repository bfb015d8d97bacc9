// The firmware's root object: owns the drivers, brings the board up safely, and runs from ticks.
using System.Collections;
using PreampFirmware.Drivers;
using PreampFirmware.Hal;
using PreampFirmware.Scpi;
using PreampFirmware.Streaming;

namespace PreampFirmware
{
    /// <summary>
    /// The preamp firmware for board rev A. <see cref="Boot"/> first puts every output in its safe state
    /// (relays open, channels muted, gain 0 dB), then tests both chips; a chip that answers wrongly leaves the
    /// board in that safe state with the reason in <see cref="Errors"/>.
    /// </summary>
    public sealed class Preamp
    {
        /// <summary>Number of input channels.</summary>
        public const int Channels = 2;
        /// <summary>ADC rate used at boot, S/s.</summary>
        public const int DefaultSampleRate = 8000;

        /// <summary>Self-test bit: the PGA2500 chain did not loop back.</summary>
        public const int SelfTestGainChain = 1;
        /// <summary>Self-test bit: the ADS131M02 failed reset or set-up.</summary>
        public const int SelfTestAdc = 2;

        /// <summary>SCPI -330 "Self-test failed".</summary>
        public const int ErrorSelfTest = -330;

        /// <summary>Nominal level at the PGA2500 output of a sine whose peak reaches ADC full scale, dBu (rev A scaling).</summary>
        public const double FullScaleSineDbu = 18.0;
        /// <summary>RMS dBFS of a full-scale sine (the meter's reference is full-scale DC).</summary>
        public const double FullScaleSineRmsDbfs = -3.0103;
        /// <summary>Nominal pad attenuation, dB.</summary>
        public const double PadDb = 20.0;
        /// <summary>Link capacity that streaming may use, percent (the rest carries command answers and jitter).</summary>
        public const int LinkBudgetPercent = 95;

        private readonly BoardIo _io;
        private readonly ErrorQueue _errors = new ErrorQueue();
        private readonly bool[] _muted = new bool[Channels];
        private readonly ScpiCommandTable _commands = new ScpiCommandTable();
        private readonly ArrayList _sessions = new ArrayList();
        private readonly SampleStream _stream;
        private readonly LevelMeter _meter = new LevelMeter();
        private ScpiSession _streamOwner;
        private int _sampleRate = DefaultSampleRate;
        private long _lastTickUs = -1;
        private int _overloadSeen;
        private string _identity = "PreampFirmware,PA2-REVA,0,0.1.0";
        private int _selfTest;
        private bool _ready;

        /// <summary>PGA2500 chain.</summary>
        public readonly Pga2500Chain Gain;
        /// <summary>ADS131M02.</summary>
        public readonly Ads131m02 Adc;
        /// <summary>Relays of each channel.</summary>
        public readonly ChannelRelays[] Relays = new ChannelRelays[Channels];
        /// <summary>Front-panel LEDs.</summary>
        public readonly Hc595LedChain Leds;

        /// <summary>Builds every driver over the board's I/O. Nothing is sent until <see cref="Boot"/>.</summary>
        public Preamp(BoardIo io)
        {
            _io = io;
            Gain = new Pga2500Chain(io.GainSpi, io.ZeroCrossEnable, io.Overload1, io.Overload2);
            Adc = new Ads131m02(io.AdcSpi, io.AdcSyncReset, io.AdcDataReady, io.Clock);
            Leds = new Hc595LedChain(io.LedSpi);
            // Rev A: phantom relays on ESP32 GPIOs; pad on PGA2500 GPO1, polarity on GPO2.
            Relays[0] = new ChannelRelays(new Relay(io.Phantom1), new Relay(new Pga2500Gpo(Gain, 0, 1)), new Relay(new Pga2500Gpo(Gain, 0, 2)));
            Relays[1] = new ChannelRelays(new Relay(io.Phantom2), new Relay(new Pga2500Gpo(Gain, 1, 1)), new Relay(new Pga2500Gpo(Gain, 1, 2)));
            for (int ch = 0; ch < Channels; ch++)
            {
                _muted[ch] = true;
            }
            _stream = new SampleStream(Adc, io.Clock, SampleStream.DefaultFramesPerBlock);
            _meter.Configure(_sampleRate);
            PreampCommands.Register(this, _commands);
        }

        /// <summary>The command table every session uses; a simulator adds its SIMulation subtree here.</summary>
        public ScpiCommandTable Commands { get { return _commands; } }

        /// <summary>The sample stream.</summary>
        public SampleStream Stream { get { return _stream; } }

        /// <summary>The on-device level meter.</summary>
        public LevelMeter Meter { get { return _meter; } }

        /// <summary>Converter rate, S/s.</summary>
        public int SampleRate { get { return _sampleRate; } }

        /// <summary>The *IDN? answer: manufacturer, model, serial number, firmware version.</summary>
        public string Identity
        {
            get { return _identity; }
            set { _identity = value; }
        }

        /// <summary>The session that started the stream, or null.</summary>
        public ScpiSession StreamOwner { get { return _streamOwner; } }

        /// <summary>
        /// Opens a SCPI session on a host link. Errors the device has logged so far (boot faults) are copied into
        /// the new session's queue, so every host can read them.
        /// </summary>
        public ScpiSession AttachHost(ISerialPort port)
        {
            ScpiSession session = new ScpiSession(_commands, port);
            _errors.CopyTo(session.Errors);
            _sessions.Add(session);
            return session;
        }

        /// <summary>Closes a session (a TCP client went away); a stream it owned stops.</summary>
        public void DetachHost(ScpiSession session)
        {
            if (_streamOwner == session)
            {
                StopStream();
            }
            _sessions.Remove(session);
        }

        /// <summary>Logs a device fault and queues it in every session.</summary>
        public void ReportDeviceError(int code, string message)
        {
            _errors.Push(code, message);
            for (int i = 0; i < _sessions.Count; i++)
            {
                ((ScpiSession)_sessions[i]).Errors.Push(code, message);
            }
        }

        /// <summary>The error queue the host reads with SYSTem:ERRor?.</summary>
        public ErrorQueue Errors { get { return _errors; } }

        /// <summary>Self-test result: 0 when both chips passed, else <see cref="SelfTestGainChain"/> | <see cref="SelfTestAdc"/>.</summary>
        public int SelfTestResult { get { return _selfTest; } }

        /// <summary>True when boot completed and both chips work.</summary>
        public bool IsReady { get { return _ready; } }

        /// <summary>True while channel <paramref name="channel"/> (0-based) is muted.</summary>
        public bool IsMuted(int channel) { return _muted[channel]; }

        /// <summary>
        /// Safe state: phantom relays open first (they are the ones that can hurt a microphone), channels muted,
        /// both PGA2500s at 0 dB with pad and polarity open, zero-crossing gain changes on, LEDs dark.
        /// </summary>
        public void EnterSafeState()
        {
            for (int ch = 0; ch < Channels; ch++)
            {
                Relays[ch].Phantom.Open();
                _muted[ch] = true;
            }
            Gain.ZeroCrossing = true;
            for (int ch = 0; ch < Channels; ch++)
            {
                Pga2500Settings s = Gain.Channel(ch);
                s.GainDb = 0;
                s.Gpo = 0;
                s.DcServo = true;
                s.CommonModeServo = false;
                s.LowOverloadThreshold = false;
            }
            Gain.Write();
            for (int ch = 0; ch < Channels; ch++)
            {
                Leds.SetRing(ch, 0);
                Leds.SetStatus(ch, 0);
            }
            Leds.Flush(true);
            _ready = false;
        }

        /// <summary>
        /// One pass of the control loop at board time <paramref name="nowMicroseconds"/>: the panel LEDs follow the
        /// channel state. Called every few milliseconds by the app (or the simulator); reads no clock itself.
        /// </summary>
        public void Tick(long nowMicroseconds)
        {
            _lastTickUs = nowMicroseconds;
            for (int i = 0; i < _sessions.Count; i++)
            {
                ((ScpiSession)_sessions[i]).Poll();
            }
            if (Gain.IsOverloaded(0)) _overloadSeen |= 1;
            if (Gain.IsOverloaded(1)) _overloadSeen |= 2;
            for (int ch = 0; ch < Channels; ch++)
            {
                int status = 0;
                if (Relays[ch].Phantom.IsClosed) status |= StatusLed.Phantom;
                if (Relays[ch].Pad.IsClosed) status |= StatusLed.Pad;
                if (Relays[ch].Polarity.IsClosed) status |= StatusLed.Polarity;
                Leds.SetStatus(ch, status);
                Leds.SetRing(ch, Hc595LedChain.GainBar(Gain.Channel(ch).GainDb));
            }
            Leds.Flush(false);
        }

        /// <summary>
        /// Services one /DRDY: reads the waiting ADC frame into the stream (or the meter's scratch frame when not
        /// streaming). When the frame completes a block, stamps its header and meters it. No per-sample decoding
        /// except the meter's decimated samples.
        /// </summary>
        public void OnDataReady()
        {
            int block = _stream.Acquire();
            if (!_stream.IsRunning)
            {
                _meter.OfferFrame(_stream.ScratchFrame, 0);
                return;
            }
            if (block < 0)
            {
                return;
            }
            _stream.Seal(block, _sampleRate, Gain.Channel(0).GainDb, Gain.Channel(1).GainDb, RelayBits(), _overloadSeen << 1);
            _overloadSeen = 0;
            _meter.OfferBlock(_stream.Block(block), _stream.FramesPerBlock);
        }

        /// <summary>
        /// Writes up to <paramref name="maxBlocks"/> completed blocks to the stream owner's link. On the board a
        /// writer thread calls this (SerialPort.Write waits for the UART); the simulator calls it when its paced
        /// link has room. Returns the blocks written.
        /// </summary>
        public int ServiceStreamOutput(int maxBlocks)
        {
            int written = 0;
            ScpiSession owner = _streamOwner;
            while (written < maxBlocks && owner != null)
            {
                byte[] block = _stream.PeekReady();
                if (block == null)
                {
                    break;
                }
                owner.Port.Write(block, 0, SampleStream.BlockBytes(_stream.FramesPerBlock));
                _stream.ReleaseReady();
                written++;
            }
            return written;
        }

        /// <summary>Relay and mute bits of the stream header (b0 phantom1, b1 pad1, b2 polarity1, b3 mute1, then channel 2).</summary>
        public int RelayBits()
        {
            int bits = 0;
            for (int ch = 0; ch < Channels; ch++)
            {
                int b = 0;
                if (Relays[ch].Phantom.IsClosed) b |= 1;
                if (Relays[ch].Pad.IsClosed) b |= 2;
                if (Relays[ch].Polarity.IsClosed) b |= 4;
                if (_muted[ch]) b |= 8;
                bits |= b << (4 * ch);
            }
            return bits;
        }

        /// <summary>Highest rate the link of <paramref name="port"/> carries within the link budget, S/s (0 if none).</summary>
        public int MaxStreamRate(ISerialPort port)
        {
            int best = 0;
            int[] rates = { 250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000 };
            for (int i = 0; i < rates.Length; i++)
            {
                if (StreamBytesPerSecond(rates[i]) * 100 <= (long)port.BytesPerSecond * LinkBudgetPercent)
                {
                    best = rates[i];
                }
            }
            return best;
        }

        /// <summary>Bytes per second a stream at <paramref name="rate"/> puts on the link.</summary>
        public long StreamBytesPerSecond(int rate)
        {
            return (long)rate * SampleStream.BlockBytes(_stream.FramesPerBlock) / _stream.FramesPerBlock;
        }

        /// <summary>Sets the converter rate (re-initialising the ADC); refused while streaming. Returns null or the reason.</summary>
        public string SetSampleRate(int rate)
        {
            if (_stream.IsRunning)
            {
                return "stop the stream first";
            }
            if (Ads131m02.OsrCode(rate) < 0)
            {
                return "rate must be one of 250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000";
            }
            if (Adc.Initialize(rate) != Ads131m02.Ok && Adc.Initialize(rate) != Ads131m02.Ok)
            {
                ReportDeviceError(ErrorSelfTest, "Self-test failed;" + Adc.LastError);
                Adc.HoldInReset();
                return Adc.LastError;
            }
            _sampleRate = rate;
            _meter.Configure(rate);
            return null;
        }

        /// <summary>Starts streaming to <paramref name="owner"/>'s link.</summary>
        public void StartStream(ScpiSession owner)
        {
            _streamOwner = owner;
            _stream.Start();
        }

        /// <summary>Stops streaming.</summary>
        public void StopStream()
        {
            _stream.Stop();
            _streamOwner = null;
        }

        /// <summary>Sets a channel's gain (0 or 10..65 dB); the PGA2500 applies it at a zero crossing.</summary>
        public void SetGain(int channel, int gainDb)
        {
            Gain.Channel(channel).GainDb = gainDb;
            Gain.Write();
        }

        /// <summary>Mutes or unmutes a channel in the stream.</summary>
        public void SetMute(int channel, bool muted)
        {
            _muted[channel] = muted;
        }

        /// <summary>
        /// RMS level at a channel's input in dBu from the meter and the nominal scaling: full-scale sine = +18 dBu
        /// at the PGA2500 output, minus the gain, plus the pad.
        /// </summary>
        public double InputDbu(int channel)
        {
            double rms = _meter.RmsDbfs(channel);
            if (rms <= LevelMeter.Floor)
            {
                return LevelMeter.Floor;
            }
            double dbu = rms - FullScaleSineRmsDbfs + FullScaleSineDbu - Gain.Channel(channel).GainDb;
            if (Relays[channel].Pad.IsClosed)
            {
                dbu += PadDb;
            }
            return dbu;
        }

        /// <summary>
        /// Power-on sequence: safe state, then the PGA2500 loop-back test and the ADS131M02 bring-up.
        /// Returns the self-test result (0 = pass). On a failure the board stays safe and each fault is queued
        /// as -330 "Self-test failed;&lt;reason&gt;".
        /// </summary>
        public int Boot()
        {
            EnterSafeState();
            if (RunSelfTest() != 0)
            {
                EnterSafeState();
                return _selfTest;
            }
            _ready = true;
            for (int ch = 0; ch < Channels; ch++)
            {
                _muted[ch] = false;
            }
            return 0;
        }

        /// <summary>
        /// Tests both chips: the PGA2500 chain loop-back, then the ADS131M02 bring-up at the current rate (with one
        /// retry after a fresh reset, which rides out a single glitch; a chip that is really wrong fails both the
        /// same way). Each fault is logged as -330. Returns the self-test bits (0 = pass).
        /// </summary>
        public int RunSelfTest()
        {
            _selfTest = 0;
            string gainFault = Gain.SelfTest();
            if (gainFault != null)
            {
                _selfTest |= SelfTestGainChain;
                ReportDeviceError(ErrorSelfTest, "Self-test failed;" + gainFault);
            }
            if (Adc.Initialize(_sampleRate) != Ads131m02.Ok && Adc.Initialize(_sampleRate) != Ads131m02.Ok)
            {
                _selfTest |= SelfTestAdc;
                ReportDeviceError(ErrorSelfTest, "Self-test failed;" + Adc.LastError);
                Adc.HoldInReset();
            }
            if (_selfTest != 0 && _ready)
            {
                EnterSafeState();
            }
            return _selfTest;
        }
    }
}
