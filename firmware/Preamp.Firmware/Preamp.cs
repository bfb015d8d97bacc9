// The firmware's composition root: builds the parts over the board's I/O, boots them in order, forwards the ticks.
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Hal;
using PreampFirmware.Health;
using PreampFirmware.Host;
using PreampFirmware.Scpi;
using PreampFirmware.Storage;
using PreampFirmware.Streaming;

namespace PreampFirmware
{
    /// <summary>
    /// The preamp firmware for board rev B (docs/ARCHITECTURE.md draws the parts). <see cref="Boot"/> first puts every
    /// output in its safe state (relays open, channels muted, gain 0 dB), then tests the gain chain and brings up the
    /// converter; a chip that answers wrongly leaves the board in that safe state, with the reason reported to the
    /// connected hosts and kept as a condition they can query.
    /// </summary>
    public sealed class Preamp
    {
        /// <summary>
        /// Frames per stream block: four I2S DMA buffers (nanoFramework's driver fixes 256 frames per buffer), 21.3 ms at
        /// 48 kHz. The block's header, CRCs and meter bookkeeping are paid once per block, so a longer block costs the
        /// interpreter less per second; the converter-to-host latency it adds stays under 30 ms at 48 kHz.
        /// </summary>
        public const int FramesPerBlock = 1024;

        /// <summary>PGA2500 chain.</summary>
        public readonly Pga2500Chain Gain;
        /// <summary>Relays of each channel.</summary>
        public readonly ChannelRelays[] Relays = new ChannelRelays[Channels.Count];
        /// <summary>Front-panel LEDs.</summary>
        public readonly Hc595LedChain Leds;
        /// <summary>Where the parts report device errors.</summary>
        public readonly DeviceErrors DeviceErrors = new DeviceErrors();
        /// <summary>The device errors of this power cycle, newest last (for a debug console; hosts hear them as they happen).</summary>
        public readonly ErrorQueue Errors = new ErrorQueue();
        /// <summary>The two channels: gain, pad, polarity, mute, phantom, link.</summary>
        public readonly Channels Channels;
        /// <summary>Auto gain and clip safe.</summary>
        public readonly GainAutomation Automation;
        /// <summary>The on-device level meter.</summary>
        public readonly LevelMeter Meter = new LevelMeter();
        /// <summary>The PCM1863 and the sample loop.</summary>
        public readonly Converter Converter;
        /// <summary>The sample stream and its owner.</summary>
        public readonly StreamLink StreamLink;
        /// <summary>Last state, presets and calibration on flash.</summary>
        public readonly SettingsStore Settings;
        /// <summary>The self-test of both chips.</summary>
        public readonly SelfTest SelfTest;
        /// <summary>The PGA2500 chain's watch in operation.</summary>
        public readonly GainChainWatch GainChainWatch;
        /// <summary>The board's lasting conditions.</summary>
        public readonly BoardCondition Condition;
        /// <summary>The host connections and their command table.</summary>
        public readonly HostSessions Hosts;
        /// <summary>The front panel.</summary>
        public readonly FrontPanel Panel;
        /// <summary>Phantom switched on for a bench test, off unless renewed.</summary>
        public readonly PhantomLease PhantomLease;

        /// <summary>Step of the tick's slower duties (the converter's watch, the slow-loop report, the delayed save), ms.</summary>
        public const int SliceMs = 50;

        private readonly ControlClock _clock = new ControlClock();
        private readonly AdcPortRecord _adcPort;
        private int _sliceMs;
        private int _muteVersion = -1;

        /// <summary>
        /// Builds every part over the board's I/O, right after the app opened the buses: opening latched two stray bytes into
        /// the PGA2500 and LED chains (hardware/bringup.md, "The SPI open glitch"), so both get their safe words first (0 dB,
        /// pad and polarity open, LEDs dark). Nothing else is sent until <see cref="Boot"/>.
        /// </summary>
        public Preamp(BoardIo io)
        {
            Gain = new Pga2500Chain(io.GainSpi, io.ZeroCrossEnable, io.Overload1, io.Overload2);
            Leds = new Hc595LedChain(io.LedSpi);
            Gain.Write();
            Leds.Flush(true);
            // Phantom relays on ESP32 GPIOs; pad on PGA2500 GPO1, polarity on GPO2.
            Relays[0] = new ChannelRelays(new Relay(io.Phantom1), new Relay(new Pga2500Gpo(Gain, 0, 1)), new Relay(new Pga2500Gpo(Gain, 0, 2)));
            Relays[1] = new ChannelRelays(new Relay(io.Phantom2), new Relay(new Pga2500Gpo(Gain, 1, 1)), new Relay(new Pga2500Gpo(Gain, 1, 2)));
            Channels = new Channels(Gain, Relays);
            Automation = new GainAutomation(Channels, Meter);
            PhantomLease = new PhantomLease(Channels);
            SampleStream stream = new SampleStream(FramesPerBlock);
            SampleLoop loop = new SampleLoop(io.Audio, io.Crc, io.Clock, stream, Meter);
            Converter = new Converter(new Pcm1863(io.AdcSpi, io.Clock), loop, Meter, DeviceErrors);
            _adcPort = new AdcPortRecord(io.Store);
            Converter.Adc.Port.Found += _adcPort.Keep;   // the framing that answered is tried first next boot
            StreamLink = new StreamLink(stream, loop, DeviceErrors);
            Settings = new SettingsStore(io.Store, Channels, DeviceErrors);
            SelfTest = new SelfTest(Gain, Converter, Channels, DeviceErrors);
            GainChainWatch = new GainChainWatch(Gain, DeviceErrors);
            Condition = new BoardCondition(SelfTest, GainChainWatch, Converter, Settings, StreamLink);
            Hosts = new HostSessions(DeviceErrors, StreamLink);
            Panel = new FrontPanel(Channels, Automation, Meter, Leds, io);

            Channels.GainCommanded += OnGainCommanded;
            SelfTest.Failed += OnSelfTestFailed;
            SelfTest.Passed += OnSelfTestPassed;
            DeviceErrors.Raised += OnDeviceError;
            ScpiCommandTable t = Hosts.Commands;
            SystemCommands.Register(t, Hosts, Channels, Automation, StreamLink, SelfTest, Condition);
            InputCommands.Register(t, Channels, Automation, Settings, Panel, Meter, PhantomLease);
            StreamCommands.Register(t, Hosts, Channels, Converter, StreamLink);
            FramingCommands.Register(t, Converter);
            CalibrationCommands.Register(t, Settings, Channels, StreamLink);
            StateQuery.Register(t, Channels, Automation, Condition, Settings, Converter, StreamLink);
            ConverterDiagnostics.Register(t, Converter);
        }

        /// <summary>The PCM1863 (its control port; the samples come through <see cref="Loop"/>).</summary>
        public Pcm1863 Adc { get { return Converter.Adc; } }

        /// <summary>The sample loop (the converter's blocks).</summary>
        public SampleLoop Loop { get { return Converter.Loop; } }

        /// <summary>The sample stream's blocks.</summary>
        public SampleStream Stream { get { return StreamLink.Stream; } }

        /// <summary>True when boot completed and both chips work.</summary>
        public bool IsReady { get { return Channels.Ready; } }

        /// <summary>Board time at which the next converter block is due: the app calls <see cref="ServiceAudio"/> then.</summary>
        public long NextBlockDueMicroseconds { get { return Converter.NextDueMicroseconds; } }

        /// <summary>Opens a SCPI session on a host link.</summary>
        public ScpiSession AttachHost(ISerialPort port) { return Hosts.Attach(port); }

        /// <summary>Closes a session; a stream it owned stops.</summary>
        public void DetachHost(ScpiSession session) { Hosts.Detach(session); }

        /// <summary>
        /// Power-on sequence: the connected sessions read PON, safe state, stored calibration, then the self-test (PGA2500
        /// loop-back, PCM1863 bring-up on the I2S clocks). On a pass the last saved state comes back (as after any self-test
        /// that passes while the board is in its safe state). Returns the self-test result (0 = pass).
        /// </summary>
        public int Boot()
        {
            Hosts.PowerOn();
            Converter.Shutdown();   // whatever the converter holds, it is set up again
            EnterSafeState();
            Settings.LoadCalibration();
            Converter.Adc.Port.Remembered = _adcPort.Load();
            return SelfTest.Run();
        }

        /// <summary>
        /// One pass of the control loop at board time <paramref name="nowMicroseconds"/>: host input and the OVR pins, then
        /// (once booted) the gain chain's watch, the panel, gain automation, the relay sequencers and the converter's mute;
        /// every <see cref="SliceMs"/> also the converter's watch, the slow-loop report, the delayed save and a running phantom
        /// lease, which need no finer step.
        /// Called every few milliseconds by the app (or the simulator); reads no clock itself. Each part returns at once
        /// when it has nothing to do, so a pass that finds nothing changed costs a few hundred IL instructions.
        /// </summary>
        public void Tick(long nowMicroseconds)
        {
            int elapsedMs = _clock.Advance(nowMicroseconds);
            Hosts.Poll();
            int overload = Gain.ReadOverloads();   // once a tick, for the stream header, the panel's CLIP and gain automation
            Converter.NoteOverload((overload & 1) != 0, (overload & 2) != 0);
            if (!Channels.Ready)
            {
                return;
            }
            GainChainWatch.Tick(elapsedMs);   // a write that came back wrong is reported at once
            Panel.Tick(elapsedMs);
            Automation.Tick(elapsedMs);
            Channels.Tick(elapsedMs);
            if (Channels.Version != _muteVersion && Converter.ApplyMute(Channels.MuteBits()))
            {
                _muteVersion = Channels.Version;   // after a change only; a write the converter did not take is tried again
            }
            _sliceMs += elapsedMs;
            if (_sliceMs >= SliceMs)
            {
                Converter.Watch(_sliceMs);
                StreamLink.Watch();
                Settings.Tick(_sliceMs);
                if (PhantomLease.Active) PhantomLease.Slice(_sliceMs);
                _sliceMs = 0;
            }
        }

        /// <summary>Reads the converter block that is due, stamped with the gains and relays in force. Per block only.</summary>
        public void ServiceAudio()
        {
            Converter.Service(Gain.Channel(0).GainDb, Gain.Channel(1).GainDb, Channels.RelayBits());
        }

        /// <summary>Writes up to <paramref name="maxBlocks"/> completed blocks to the stream owner's link; returns the blocks written.</summary>
        public int ServiceStreamOutput(int maxBlocks) { return StreamLink.ServiceOutput(maxBlocks); }

        /// <summary>
        /// Safe state: phantom relays open first, channels muted, both PGA2500s at 0 dB with pad and polarity open,
        /// zero-crossing gain changes on, LEDs dark, the converter muted.
        /// </summary>
        private void EnterSafeState()
        {
            Channels.EnterSafeState();
            Panel.Dark();
            Converter.ApplyMute(Channels.MuteBits());
        }

        private void OnGainCommanded(int channel, bool moved, bool manual)
        {
            if (moved)
            {
                Converter.Loop.MarkGainCommand(channel);   // the stream says from which frame the new gain can apply
            }
        }

        private void OnSelfTestFailed(int result)
        {
            StreamLink.Stop();
            Settings.SaveNow();   // a change still waiting for its delayed write is what a pass brings back
            EnterSafeState();
        }

        /// <summary>A pass from the safe state (boot, or a *TST? after a fault was cleared): the board comes back as at power-on.</summary>
        private void OnSelfTestPassed()
        {
            if (Channels.Ready)
            {
                return;
            }
            Channels.Ready = true;
            GainChainWatch.Resume();
            Settings.RestoreState();
            Converter.ApplyMute(Channels.MuteBits());
        }

        private void OnDeviceError(int code, string detail)
        {
            Errors.Push(code, ScpiError.Text(code) + ";" + detail);
        }
    }
}
