// The firmware's root object: owns the drivers, brings the board up safely, and runs from ticks.
using System.Collections;
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Hal;
using PreampFirmware.Scpi;
using PreampFirmware.Storage;
using PreampFirmware.Streaming;

namespace PreampFirmware
{
    /// <summary>
    /// The preamp firmware for board rev B. <see cref="Boot"/> first puts every output in its safe state
    /// (relays open, channels muted, gain 0 dB), then tests the gain chain and brings up the converter; a chip that
    /// answers wrongly leaves the board in that safe state with the reason in <see cref="Errors"/>.
    /// </summary>
    public sealed class Preamp
    {
        /// <summary>Number of input channels.</summary>
        public const int Channels = 2;
        /// <summary>Converter rate used at boot, S/s.</summary>
        public const int DefaultSampleRate = 48000;
        /// <summary>Frames per stream block: one I2S DMA buffer (nanoFramework's driver fixes 256 frames per buffer).</summary>
        public const int FramesPerBlock = 256;

        /// <summary>Self-test bit: the PGA2500 chain did not loop back.</summary>
        public const int SelfTestGainChain = 1;
        /// <summary>Self-test bit: the PCM1863 failed its set-up or does not run on the I2S clocks.</summary>
        public const int SelfTestAdc = 2;

        /// <summary>SCPI -330 "Self-test failed".</summary>
        public const int ErrorSelfTest = -330;

        /// <summary>
        /// Level at the PGA2500 output of a sine whose peak reaches converter full scale, dBu: the PCM1863's 4.2 Vrms
        /// differential at PGA 0 dB, AC-coupled straight from the PGA2500 (hardware/analog-interface.md).
        /// </summary>
        public const double FullScaleSineDbu = 14.68;
        /// <summary>RMS dBFS of a full-scale sine (the meter's reference is full-scale DC).</summary>
        public const double FullScaleSineRmsDbfs = -3.0103;
        /// <summary>Link capacity that streaming may use, percent (the rest carries command answers and jitter).</summary>
        public const int LinkBudgetPercent = 95;

        /// <summary>Presets *SAV and *RCL address (1..8).</summary>
        public const int Presets = 8;
        /// <summary>Quiet time after the last change before the state is written to flash, ms (limits flash wear while the knob turns).</summary>
        public const int SaveDelayMs = 250;

        private readonly ErrorQueue _errors = new ErrorQueue();
        private readonly InputChannel[] _inputs = new InputChannel[Channels];
        private readonly RecordStore _records;
        private readonly byte[] _settings = new byte[ChannelSettings.PayloadBytes];
        private readonly FrontPanel _panel;
        private readonly Calibration _calibration = new Calibration();
        private readonly byte[] _calibrationPayload = new byte[Calibration.PayloadBytes];
        private bool _calibrationLock;
        private bool _linked;
        private int _selected;
        private bool _dirty;
        private int _dirtyMs;
        private readonly AutoGain[] _autoGain = new AutoGain[Channels];
        private readonly ClipSafe[] _clipSafe = new ClipSafe[Channels];
        private readonly int[] _sinceGainChangeMs = new int[Channels];

        private bool _adcFault;
        private int _converterIdleMs;
        private bool _gainChainFault;
        private int _gainChainFailuresSeen;
        private int _gainChainIdleMs;
        private int _gainChainWritesSeen;
        private bool _slowLoopReported;

        /// <summary>How often the control tick reads the converter's status registers, ms.</summary>
        public const int ConverterCheckMs = 1000;

        /// <summary>True while the converter does not run as configured; reported once per episode as -240.</summary>
        public bool AdcFault { get { return _adcFault; } }

        /// <summary>Time after a gain command until the fresh peak restarts, ms (the PGA2500's zero-crossing timeout, with margin).</summary>
        public const int GainSettleMs = 20;
        private readonly ScpiCommandTable _commands = new ScpiCommandTable();
        private readonly ArrayList _sessions = new ArrayList();
        private readonly SampleStream _stream;
        private readonly SampleLoop _loop;
        private readonly LevelMeter _meter = new LevelMeter();
        private ScpiSession _streamOwner;
        private int _sampleRate = DefaultSampleRate;
        private long _lastTickUs = -1;
        private int _overloadSeen;
        private string _identity = "PreampFirmware,PA2-REVB,0,0.2.0";
        private int _selfTest;
        private bool _ready;

        /// <summary>PGA2500 chain.</summary>
        public readonly Pga2500Chain Gain;
        /// <summary>PCM1863 (its control port; the samples come through the sample loop).</summary>
        public readonly Pcm1863 Adc;
        /// <summary>Relays of each channel.</summary>
        public readonly ChannelRelays[] Relays = new ChannelRelays[Channels];
        /// <summary>Front-panel LEDs.</summary>
        public readonly Hc595LedChain Leds;

        /// <summary>Builds every driver over the board's I/O. Nothing is sent until <see cref="Boot"/>.</summary>
        public Preamp(BoardIo io)
        {
            Gain = new Pga2500Chain(io.GainSpi, io.ZeroCrossEnable, io.Overload1, io.Overload2);
            Adc = new Pcm1863(io.AdcSpi, io.Clock);
            Leds = new Hc595LedChain(io.LedSpi);
            // Phantom relays on ESP32 GPIOs; pad on PGA2500 GPO1, polarity on GPO2.
            Relays[0] = new ChannelRelays(new Relay(io.Phantom1), new Relay(new Pga2500Gpo(Gain, 0, 1)), new Relay(new Pga2500Gpo(Gain, 0, 2)));
            Relays[1] = new ChannelRelays(new Relay(io.Phantom2), new Relay(new Pga2500Gpo(Gain, 1, 1)), new Relay(new Pga2500Gpo(Gain, 1, 2)));
            for (int ch = 0; ch < Channels; ch++)
            {
                _inputs[ch] = new InputChannel(Relays[ch]);
                _autoGain[ch] = new AutoGain();
                _clipSafe[ch] = new ClipSafe();
                _sinceGainChangeMs[ch] = -1;
            }
            _records = new RecordStore(io.Store);
            _panel = new FrontPanel(this, io);
            _stream = new SampleStream(FramesPerBlock);
            _loop = new SampleLoop(io.Audio, io.Crc, io.Clock, _stream, _meter);
            _meter.Configure(_sampleRate);
            PreampCommands.Register(this, _commands);
            CalibrationCommands.Register(this, _commands);
        }

        /// <summary>The command table every session uses; a simulator adds its SIMulation subtree here.</summary>
        public ScpiCommandTable Commands { get { return _commands; } }

        /// <summary>The sample stream.</summary>
        public SampleStream Stream { get { return _stream; } }

        /// <summary>The sample loop (the converter's blocks).</summary>
        public SampleLoop Loop { get { return _loop; } }

        /// <summary>Board time at which the next converter block is due: the app calls <see cref="ServiceAudio"/> then.</summary>
        public long NextBlockDueMicroseconds { get { return _loop.NextDueMicroseconds; } }

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

        /// <summary>Logs a device fault (standard text of <paramref name="code"/>, then the detail) and queues it in every session.</summary>
        public void ReportDeviceError(int code, string detail)
        {
            string message = ScpiError.Text(code) + ";" + detail;
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

        /// <summary>
        /// True while channel <paramref name="channel"/> (0-based) is muted in the stream: before boot completes, by the
        /// user, or by the relay sequencer while a relay moves.
        /// </summary>
        public bool IsMuted(int channel)
        {
            InputChannel c = _inputs[channel];
            return !_ready || c.Mute || c.SequenceMute;
        }

        /// <summary>The two input channels (what was asked for, and their sequencers).</summary>
        public InputChannel[] Inputs { get { return _inputs; } }

        /// <summary>The front panel.</summary>
        public FrontPanel Panel { get { return _panel; } }

        /// <summary>True when the channels are linked (gain and mute move together).</summary>
        public bool Linked { get { return _linked; } }

        /// <summary>Channel the knob works on (0-based).</summary>
        public int Selected { get { return _selected; } }

        /// <summary>Selects the knob's channel.</summary>
        public void Select(int channel)
        {
            _selected = channel;
            MarkDirty();
        }

        /// <summary>Links or unlinks the channels; linked, they keep the gain offset they had.</summary>
        public void SetLink(bool linked)
        {
            _linked = linked;
            MarkDirty();
        }

        /// <summary>Gain steps of the PGA2500 in order: 0, 10, 11 … 65 dB.</summary>
        public static int GainIndex(int gainDb)
        {
            return gainDb == 0 ? 0 : gainDb - Pga2500Word.MinSteppedGainDb + 1;
        }

        /// <summary>Gain of a step index (clamped to the range).</summary>
        public static int GainAtIndex(int index)
        {
            if (index <= 0) return 0;
            int db = index + Pga2500Word.MinSteppedGainDb - 1;
            return db > Pga2500Word.MaxGainDb ? Pga2500Word.MaxGainDb : db;
        }

        /// <summary>
        /// Moves a channel's gain by <paramref name="steps"/> gain steps (the knob, UP, DOWN); linked channels move by
        /// the same number of steps, stopping where either would leave the range so their offset is kept.
        /// </summary>
        public void StepGain(int channel, int steps)
        {
            CancelAutoGain(channel);
            ShiftGain(channel, steps);
        }

        private void ShiftGain(int channel, int steps)
        {
            if (!_linked)
            {
                ApplyGain(channel, GainAtIndex(GainIndex(_inputs[channel].GainDb) + steps));
                return;
            }
            int maxIndex = GainIndex(Pga2500Word.MaxGainDb);
            for (int ch = 0; ch < Channels; ch++)
            {
                int i = GainIndex(_inputs[ch].GainDb);
                if (i + steps > maxIndex) steps = maxIndex - i;
                if (i + steps < 0) steps = -i;
            }
            for (int ch = 0; ch < Channels; ch++)
            {
                ApplyGain(ch, GainAtIndex(GainIndex(_inputs[ch].GainDb) + steps));
            }
        }

        /// <summary>
        /// Sets a channel's gain (0 or 10..65 dB, already validated). Linked, the other channel moves by the same
        /// number of steps, so the offset is kept; a target that would push it out of range is clamped for both.
        /// </summary>
        public void SetGain(int channel, int gainDb)
        {
            CancelAutoGain(channel);
            MoveGain(channel, gainDb);
        }

        /// <summary>Sets a gain without counting as a manual change (auto gain, clip safe); linked channels keep their offset.</summary>
        private void MoveGain(int channel, int gainDb)
        {
            if (_linked)
            {
                ShiftGain(channel, GainIndex(gainDb) - GainIndex(_inputs[channel].GainDb));
                return;
            }
            ApplyGain(channel, gainDb);
        }

        private void ApplyGain(int channel, int gainDb)
        {
            if (_inputs[channel].GainDb != gainDb)
            {
                _loop.MarkGainCommand(channel);
                _sinceGainChangeMs[channel] = 0;
                _autoGain[channel].GainChanged();
            }
            _inputs[channel].GainDb = gainDb;
            Gain.Channel(channel).GainDb = gainDb;
            Gain.Write();
            MarkDirty();
        }

        private void CancelAutoGain(int channel)
        {
            for (int ch = 0; ch < Channels; ch++)
            {
                if (ch == channel || _linked)
                {
                    _autoGain[ch].Cancel();
                }
            }
        }

        /// <summary>Auto gain of a channel (0-based).</summary>
        public AutoGain AutoGainOf(int channel) { return _autoGain[channel]; }

        /// <summary>Clip safe of a channel (0-based).</summary>
        public ClipSafe ClipSafeOf(int channel) { return _clipSafe[channel]; }

        /// <summary>Starts auto gain on a channel (both when linked).</summary>
        public void StartAutoGain(int channel)
        {
            for (int ch = 0; ch < Channels; ch++)
            {
                if (ch == channel || _linked)
                {
                    _autoGain[ch].Start();
                }
            }
        }

        /// <summary>Switches clip safe on or off for a channel (both when linked).</summary>
        public void SetClipSafe(int channel, bool on)
        {
            for (int ch = 0; ch < Channels; ch++)
            {
                if (ch == channel || _linked)
                {
                    _clipSafe[ch].Enabled = on;
                }
            }
        }

        private void RunGainAutomation(int elapsedMs)
        {
            int wanted0 = -1;
            int wanted1 = -1;
            for (int ch = 0; ch < Channels; ch++)
            {
                if (_sinceGainChangeMs[ch] >= 0)
                {
                    _sinceGainChangeMs[ch] += elapsedMs;
                    if (_sinceGainChangeMs[ch] >= GainSettleMs)
                    {
                        _meter.ResetFreshPeak(ch);
                        _sinceGainChangeMs[ch] = -1;
                    }
                }
                double peak = LevelMeter.ToDb(_meter.FreshPeakFraction(ch));
                bool ovr = Gain.IsOverloaded(ch);
                int gain = _inputs[ch].GainDb;
                int wanted = _clipSafe[ch].Tick(elapsedMs, peak, ovr, gain);
                int auto = _autoGain[ch].Tick(elapsedMs, peak, ovr, gain);
                if (auto >= 0 && (wanted < 0 || auto < wanted))
                {
                    wanted = auto;
                }
                if (ch == 0) wanted0 = wanted; else wanted1 = wanted;
            }
            if (_linked && wanted0 >= 0 && wanted1 >= 0)
            {
                // Both want a change: move both by the smaller step so the offset is kept and neither overloads.
                int d0 = GainIndex(wanted0) - GainIndex(_inputs[0].GainDb);
                int d1 = GainIndex(wanted1) - GainIndex(_inputs[1].GainDb);
                ShiftGain(0, d0 < d1 ? d0 : d1);
                return;
            }
            if (wanted0 >= 0 && wanted0 != _inputs[0].GainDb) MoveGain(0, wanted0);
            if (wanted1 >= 0 && wanted1 != _inputs[1].GainDb) MoveGain(1, wanted1);
        }

        /// <summary>Mutes or unmutes a channel (both when linked).</summary>
        public void SetMute(int channel, bool muted)
        {
            for (int ch = 0; ch < Channels; ch++)
            {
                if (ch == channel || _linked)
                {
                    _inputs[ch].Mute = muted;
                }
            }
            ApplyMute();
            MarkDirty();
        }

        /// <summary>The mute bits the converter should have: b0 input 1, b1 input 2.</summary>
        public int MuteBits()
        {
            return (IsMuted(0) ? 1 : 0) | (IsMuted(1) ? 2 : 0);
        }

        /// <summary>
        /// Mutes in the converter what <see cref="IsMuted"/> says is muted, so the stream and the meters carry exactly
        /// what is recorded. A write the converter does not take back is a converter fault.
        /// </summary>
        private void ApplyMute()
        {
            if (!Adc.IsConfigured)
            {
                return;
            }
            if (Adc.SetMute(MuteBits()) != Pcm1863.Ok)
            {
                ConverterFaultFound(Adc.LastError);
            }
        }

        /// <summary>Asks for the pad; the sequencer mutes, switches and unmutes.</summary>
        public void SetPad(int channel, bool on)
        {
            _inputs[channel].Pad = on;
            MarkDirty();
        }

        /// <summary>Asks for polarity inversion; sequenced like the pad.</summary>
        public void SetPolarity(int channel, bool inverted)
        {
            _inputs[channel].Polarity = inverted;
            MarkDirty();
        }

        /// <summary>
        /// Asks for phantom on or off. Switching on is refused (returns false, nothing changes) while the channel's
        /// phantom lock is set. The sequencer mutes, switches, waits for the supply to settle, and unmutes.
        /// </summary>
        public bool RequestPhantom(int channel, bool on)
        {
            if (on && _inputs[channel].PhantomLock)
            {
                return false;
            }
            _inputs[channel].Phantom = on;
            MarkDirty();
            return true;
        }

        /// <summary>Sets the phantom lock; locking also switches phantom off. Saved at once.</summary>
        public void SetPhantomLock(int channel, bool locked)
        {
            _inputs[channel].PhantomLock = locked;
            if (locked)
            {
                _inputs[channel].Phantom = false;
            }
            MarkDirty();
            SaveState();
        }

        private void MarkDirty()
        {
            _dirty = true;
            _dirtyMs = 0;
        }

        /// <summary>Writes the current settings to flash now (if they changed). Returns null or why it failed.</summary>
        public string SaveState()
        {
            if (!_dirty)
            {
                return null;
            }
            ChannelSettings.Encode(_inputs, _linked, _calibrationLock, _selected, _settings);
            string problem = _records.Save(ChannelSettings.StateFile, ChannelSettings.StateTag, ChannelSettings.Version, _settings, _settings.Length);
            if (problem != null)
            {
                ReportDeviceError(ScpiError.HardwareError, "settings not saved: " + problem);
            }
            _dirty = false;
            return problem;
        }

        /// <summary>Stores the current settings as preset <paramref name="n"/> (1..8). Returns null or why it failed.</summary>
        public string SavePreset(int n)
        {
            ChannelSettings.Encode(_inputs, _linked, _calibrationLock, _selected, _settings);
            return _records.Save(ChannelSettings.PresetFile(n), ChannelSettings.PresetTag(n), ChannelSettings.Version, _settings, _settings.Length);
        }

        /// <summary>
        /// Recalls preset <paramref name="n"/>: gain, pad, polarity, mute, link, and phantom where the lock allows
        /// (relays through the sequencer). Returns null, or why nothing was recalled.
        /// </summary>
        public string RecallPreset(int n)
        {
            byte[] payload;
            int result = _records.Load(ChannelSettings.PresetFile(n), ChannelSettings.PresetTag(n), ChannelSettings.Version, out payload);
            if (result == RecordStore.Empty)
            {
                return "preset " + n.ToString() + " is empty";
            }
            if (result != RecordStore.Loaded || !ChannelSettings.IsPlausible(payload))
            {
                return "preset " + n.ToString() + " is damaged";
            }
            ApplySettings(payload, false);
            return null;
        }

        private void ApplySettings(byte[] p, bool restoreLocksAndSelection)
        {
            CancelAutoGain(0);
            CancelAutoGain(1);
            _linked = false;
            for (int ch = 0; ch < Channels; ch++)
            {
                if (restoreLocksAndSelection)
                {
                    _inputs[ch].PhantomLock = ChannelSettings.Lock(p, ch);
                }
                ApplyGain(ch, ChannelSettings.Gain(p, ch));
                _inputs[ch].Mute = ChannelSettings.Mute(p, ch);
                SetPad(ch, ChannelSettings.Pad(p, ch));
                SetPolarity(ch, ChannelSettings.Polarity(p, ch));
                RequestPhantom(ch, ChannelSettings.Phantom(p, ch));
            }
            _linked = ChannelSettings.Linked(p);
            if (restoreLocksAndSelection)
            {
                _selected = ChannelSettings.Selected(p);
                _calibrationLock = ChannelSettings.CalibrationLock(p);
            }
            MarkDirty();
        }

        /// <summary>
        /// *RST: gain 0 dB, pad and polarity off, unmuted, phantom off (sequenced), unlinked, clip safe off, auto gain
        /// stopped with its defaults, stream stopped. Phantom and calibration locks stay.
        /// </summary>
        public void ResetSettings()
        {
            StopStream();
            _linked = false;
            for (int ch = 0; ch < Channels; ch++)
            {
                _autoGain[ch].Cancel();
                _autoGain[ch].WindowMs = AutoGain.DefaultWindowMs;
                _autoGain[ch].TargetDbfs = AutoGain.DefaultTargetDbfs;
                _clipSafe[ch].Enabled = false;
                ApplyGain(ch, 0);
                _inputs[ch].Mute = false;
                SetPad(ch, false);
                SetPolarity(ch, false);
                RequestPhantom(ch, false);
            }
        }

        /// <summary>
        /// Safe state: phantom relays open first (they are the ones that can hurt a microphone), channels muted,
        /// both PGA2500s at 0 dB with pad and polarity open, zero-crossing gain changes on, LEDs dark.
        /// </summary>
        public void EnterSafeState()
        {
            _ready = false;
            for (int ch = 0; ch < Channels; ch++)
            {
                Relays[ch].Phantom.Open();
            }
            Gain.ZeroCrossing = true;
            for (int ch = 0; ch < Channels; ch++)
            {
                Pga2500Settings s = Gain.Channel(ch);
                s.GainDb = 0;
                s.Gpo = 0;
                s.DcServo = true;
                s.CommonModeServo = false;
                // OVR at 4.0 Vrms: 0.4 dB below the converter's full scale (5.1 Vrms would be 1.7 dB above it).
                s.LowOverloadThreshold = true;
            }
            Gain.Write();
            for (int ch = 0; ch < Channels; ch++)
            {
                _inputs[ch].ForceOff();
                _inputs[ch].GainDb = 0;
                Leds.SetRing(ch, 0);
                Leds.SetStatus(ch, 0);
            }
            Leds.Flush(true);
            ApplyMute();
        }

        /// <summary>
        /// One pass of the control loop at board time <paramref name="nowMicroseconds"/>: the panel LEDs follow the
        /// channel state. Called every few milliseconds by the app (or the simulator); reads no clock itself.
        /// </summary>
        public void Tick(long nowMicroseconds)
        {
            if (_lastTickUs < 0)
            {
                _lastTickUs = nowMicroseconds;
            }
            long delta = nowMicroseconds - _lastTickUs;
            if (delta < 0 || delta > 1000000)
            {
                // The clock jumped: count no time rather than a wrong one.
                delta = 0;
                _lastTickUs = nowMicroseconds;
            }
            int elapsedMs = (int)(delta / 1000);
            _lastTickUs += elapsedMs * 1000L;
            for (int i = 0; i < _sessions.Count; i++)
            {
                ((ScpiSession)_sessions[i]).Poll();
            }
            if (Gain.IsOverloaded(0)) _overloadSeen |= 1;
            if (Gain.IsOverloaded(1)) _overloadSeen |= 2;
            if (!_ready)
            {
                return;
            }
            WatchConverter(elapsedMs);
            WatchGainChain(elapsedMs);
            WatchSampleLoop();
            _panel.Tick(elapsedMs);
            RunGainAutomation(elapsedMs);
            for (int ch = 0; ch < Channels; ch++)
            {
                _inputs[ch].Tick(elapsedMs);
            }
            ApplyMute();
            if (_dirty)
            {
                _dirtyMs += elapsedMs;
                if (_dirtyMs >= SaveDelayMs)
                {
                    SaveState();
                }
            }
        }

        /// <summary>
        /// Reads the converter block that is due (call when <see cref="NextBlockDueMicroseconds"/> has come): the
        /// sample loop reads it into place, meters it and, while streaming, stamps and queues it. Per block only.
        /// </summary>
        public void ServiceAudio()
        {
            _loop.Service(Gain.Channel(0).GainDb, Gain.Channel(1).GainDb, RelayBits(), _overloadSeen << 1);
            _overloadSeen = 0;
        }

        private void ConverterFaultFound(string detail)
        {
            if (_adcFault)
            {
                return;
            }
            _adcFault = true;
            ReportDeviceError(ScpiError.HardwareError, detail);
        }

        /// <summary>A gain chain left alone this long has its words written again, to check it still answers.</summary>
        public const int GainChainHeartbeatMs = 1000;

        /// <summary>
        /// Watches the PGA2500 chain from the control tick: every write checks the loop-back (the chain shifts out
        /// the previous frame), and a chain nobody wrote to for <see cref="GainChainHeartbeatMs"/> gets the same
        /// words again (a no-op for the chips) so that a chip that stops answering is reported within a second.
        /// </summary>
        private void WatchGainChain(int elapsedMs)
        {
            if (Gain.Writes == _gainChainWritesSeen)
            {
                _gainChainIdleMs += elapsedMs;
                if (_gainChainIdleMs < GainChainHeartbeatMs)
                {
                    return;   // nothing written since the last look: nothing learned
                }
                Gain.Write();
            }
            _gainChainWritesSeen = Gain.Writes;
            _gainChainIdleMs = 0;
            int failures = Gain.LoopBackFailures;
            if (failures == _gainChainFailuresSeen)
            {
                _gainChainFault = false;   // every write since the last look came back right
                return;
            }
            _gainChainFailuresSeen = failures;
            if (!_gainChainFault)
            {
                _gainChainFault = true;
                ReportDeviceError(ScpiError.HardwareError, Gain.LoopBackError + ": the gains may not be what they read");
            }
        }

        /// <summary>True while the PGA2500 chain's loop-back is wrong (reported once with -240 when it starts).</summary>
        public bool GainChainFault { get { return _gainChainFault; } }

        /// <summary>
        /// Watches the converter from the control tick: once every <see cref="ConverterCheckMs"/> its status registers
        /// must say it runs at the stream's rate with its clocks locked (reads only, nothing reaches the audio). A
        /// converter that stops is reported once as -240 and cleared when it runs again.
        /// </summary>
        private void WatchConverter(int elapsedMs)
        {
            _converterIdleMs += elapsedMs;
            if (_converterIdleMs < ConverterCheckMs || !Adc.IsConfigured)
            {
                return;
            }
            _converterIdleMs = 0;
            if (Adc.CheckClocks(_sampleRate) == Pcm1863.Ok && Adc.VerifyConfiguration() == Pcm1863.Ok)
            {
                _adcFault = false;
                return;
            }
            ConverterFaultFound(Adc.LastError);
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
                owner.Port.Write(block, 0, _stream.BlockLength);
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
                if (IsMuted(ch)) b |= 8;
                bits |= b << (4 * ch);
            }
            return bits;
        }

        /// <summary>Highest converter rate the link of <paramref name="port"/> carries within the link budget, S/s (0 if none).</summary>
        public int MaxStreamRate(ISerialPort port)
        {
            int best = 0;
            int[] rates = Pcm1863.SupportedRates();
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
            return (long)rate * _stream.BlockLength / _stream.FramesPerBlock;
        }

        /// <summary>
        /// Sets the converter rate: the I2S clocks restart at the new rate and the PCM1863 must lock to them again.
        /// Refused while streaming. Returns null or the reason.
        /// </summary>
        public string SetSampleRate(int rate)
        {
            if (_stream.IsRunning)
            {
                return "stop the stream first";
            }
            if (!Pcm1863.IsSupportedRate(rate))
            {
                return "rate must be one of " + RateList();
            }
            if (rate == _sampleRate && _loop.IsRunning)
            {
                return null;
            }
            _sampleRate = rate;
            if (!_ready)
            {
                return null;
            }
            if (StartConverterClocks() != Pcm1863.Ok)
            {
                ReportDeviceError(ErrorSelfTest, Adc.LastError);
                return Adc.LastError;
            }
            return null;
        }

        /// <summary>The converter rates, comma-separated.</summary>
        public static string RateList()
        {
            int[] rates = Pcm1863.SupportedRates();
            string list = "";
            for (int i = 0; i < rates.Length; i++)
            {
                list = list + (i == 0 ? "" : ", ") + rates[i].ToString();
            }
            return list;
        }

        /// <summary>(Re)starts the I2S clocks at the current rate and waits for the PCM1863 to run on them.</summary>
        private int StartConverterClocks()
        {
            _loop.Start(_sampleRate);
            return Adc.WaitUntilRunning(_sampleRate);
        }

        /// <summary>Starts streaming to <paramref name="owner"/>'s link.</summary>
        public void StartStream(ScpiSession owner)
        {
            _streamOwner = owner;
            _slowLoopReported = false;
            _loop.BeginStream();
        }

        /// <summary>
        /// While streaming: the first time the sample loop reads a block too late for the DMA (buffers were dropped),
        /// says so once per stream as -300. The dropped frames themselves are announced in the next block's header,
        /// so the host fills exactly that gap.
        /// </summary>
        private void WatchSampleLoop()
        {
            if (_slowLoopReported || !_stream.IsRunning || !_loop.LostWhileStreaming)
            {
                return;
            }
            _slowLoopReported = true;
            ReportDeviceError(ScpiError.DeviceSpecificError, "the sample loop fell behind: the converter's DMA dropped " + _stream.FramesLostByConverter.ToString() +
                                                             " frames so far (announced in the stream, the host fills them); a lower STReam:RATE may keep up");
        }

        /// <summary>Stops streaming.</summary>
        public void StopStream()
        {
            _stream.Stop();
            _streamOwner = null;
        }

        /// <summary>
        /// RMS level at a channel's input in dBu: the meter's RMS, the level of ADC full scale (a full-scale sine is
        /// +18 dBu at the PGA2500 output), minus the gain and its calibrated error, plus the pad's calibrated
        /// attenuation when the pad is in. Without a calibration the corrections are zero and the pad is 20 dB.
        /// </summary>
        public double InputDbu(int channel)
        {
            double rms = _meter.RmsDbfs(channel);
            if (rms <= LevelMeter.Floor)
            {
                return LevelMeter.Floor;
            }
            int gain = Gain.Channel(channel).GainDb;
            double dbu = rms - FullScaleSineRmsDbfs + FullScaleSineDbu - gain - _calibration.GainCorrectionDb(channel, gain);
            if (Relays[channel].Pad.IsClosed)
            {
                dbu += _calibration.PadDb(channel);
            }
            return dbu;
        }

        /// <summary>The calibration in use (nominal values until one is loaded or imported).</summary>
        public Calibration Calibration { get { return _calibration; } }

        /// <summary>True while calibration writes are refused (CALibration:LOCK ON); kept across power cycles.</summary>
        public bool CalibrationLocked { get { return _calibrationLock; } }

        /// <summary>Locks or unlocks the calibration against writes; saved at once.</summary>
        public void SetCalibrationLock(bool locked)
        {
            _calibrationLock = locked;
            MarkDirty();
            SaveState();
        }

        /// <summary>Writes the calibration to flash (two slots). Returns null or why it failed (the old one is kept).</summary>
        public string StoreCalibration()
        {
            _calibration.Encode(_calibrationPayload);
            return _records.Save(Calibration.File, Calibration.Tag, Calibration.Version, _calibrationPayload, _calibrationPayload.Length);
        }

        /// <summary>Removes the stored calibration and returns to nominal values.</summary>
        public void ClearCalibration()
        {
            _calibration.Clear();
            string problem = _records.Erase(Calibration.File);
            if (problem != null) ReportDeviceError(ScpiError.HardwareError, problem);
        }

        private void LoadCalibration()
        {
            byte[] payload;
            int result = _records.Load(Calibration.File, Calibration.Tag, Calibration.Version, out payload);
            if (result == RecordStore.Loaded && _calibration.Decode(payload))
            {
                return;
            }
            _calibration.Clear();
            if (result != RecordStore.Empty)
            {
                ReportDeviceError(ScpiError.HardwareError, "stored calibration is damaged; using nominal values");
            }
        }

        /// <summary>
        /// Power-on sequence: safe state, then the PGA2500 loop-back test and the PCM1863 bring-up on the I2S clocks.
        /// Returns the self-test result (0 = pass). On a failure the board stays safe and each fault is queued
        /// as -330 "Self-test failed;&lt;reason&gt;".
        /// </summary>
        public int Boot()
        {
            _loop.Stop();
            Adc.MarkUnconfigured();   // whatever the converter holds, it is set up again
            EnterSafeState();
            LoadCalibration();
            if (RunSelfTest() != 0)
            {
                EnterSafeState();
                return _selfTest;
            }
            _ready = true;
            RestoreState();
            ApplyMute();
            return 0;
        }

        /// <summary>
        /// Loads the last saved state and applies it the way a manual change would (relays through the sequencer,
        /// phantom only where the lock allows). A damaged record is reported and the board stays at defaults.
        /// </summary>
        private void RestoreState()
        {
            byte[] payload;
            int result = _records.Load(ChannelSettings.StateFile, ChannelSettings.StateTag, ChannelSettings.Version, out payload);
            if (result == RecordStore.Loaded && ChannelSettings.IsPlausible(payload))
            {
                ApplySettings(payload, true);
                _dirty = false;
                return;
            }
            if (result != RecordStore.Empty)
            {
                ReportDeviceError(ScpiError.HardwareError, "saved settings are damaged; starting from defaults");
            }
        }

        /// <summary>
        /// Tests both chips: the PGA2500 chain loop-back, then the converter. A converter that is not running yet (boot,
        /// or after a failure) is brought up: reset, configured muted with every write read back, clocked, and checked
        /// to run (one retry after a fresh reset rides out a single glitch; a part that is really wrong fails both the
        /// same way). A running converter is only read — its status and configuration — so a self-test while
        /// recording changes nothing in the audio path of the converter. Each fault is logged as -330. Returns the
        /// self-test bits (0 = pass).
        /// </summary>
        public int RunSelfTest()
        {
            _selfTest = 0;
            string gainFault = Gain.SelfTest();
            if (gainFault != null)
            {
                _selfTest |= SelfTestGainChain;
                ReportDeviceError(ErrorSelfTest, gainFault);
            }
            bool running = Adc.IsConfigured && _loop.IsRunning;
            int result = running ? CheckConverter() : BringUpConverter();
            if (result != Pcm1863.Ok && running)
            {
                result = BringUpConverter();
            }
            if (result != Pcm1863.Ok)
            {
                _selfTest |= SelfTestAdc;
                ReportDeviceError(ErrorSelfTest, Adc.LastError);
                _loop.Stop();
                Adc.MarkUnconfigured();
            }
            if (_selfTest != 0 && _ready)
            {
                EnterSafeState();
            }
            return _selfTest;
        }

        private int CheckConverter()
        {
            int result = Adc.CheckClocks(_sampleRate);
            return result == Pcm1863.Ok ? Adc.VerifyConfiguration() : result;
        }

        private int BringUpConverter()
        {
            int result = Adc.Initialize(MuteBits());
            if (result != Pcm1863.Ok)
            {
                result = Adc.Initialize(MuteBits());
            }
            return result == Pcm1863.Ok ? StartConverterClocks() : result;
        }
    }
}
