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
        /// <summary>Frames per stream block: one I2S DMA buffer (nanoFramework's driver fixes 256 frames per buffer).</summary>
        public const int FramesPerBlock = 256;

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

        private readonly ControlClock _clock = new ControlClock();

        /// <summary>Builds every part over the board's I/O. Nothing is sent until <see cref="Boot"/>.</summary>
        public Preamp(BoardIo io)
        {
            Gain = new Pga2500Chain(io.GainSpi, io.ZeroCrossEnable, io.Overload1, io.Overload2);
            Leds = new Hc595LedChain(io.LedSpi);
            // Phantom relays on ESP32 GPIOs; pad on PGA2500 GPO1, polarity on GPO2.
            Relays[0] = new ChannelRelays(new Relay(io.Phantom1), new Relay(new Pga2500Gpo(Gain, 0, 1)), new Relay(new Pga2500Gpo(Gain, 0, 2)));
            Relays[1] = new ChannelRelays(new Relay(io.Phantom2), new Relay(new Pga2500Gpo(Gain, 1, 1)), new Relay(new Pga2500Gpo(Gain, 1, 2)));
            Channels = new Channels(Gain, Relays);
            Automation = new GainAutomation(Channels, Meter);
            SampleStream stream = new SampleStream(FramesPerBlock);
            SampleLoop loop = new SampleLoop(io.Audio, io.Crc, io.Clock, stream, Meter);
            Converter = new Converter(new Pcm1863(io.AdcSpi, io.Clock), loop, Meter, DeviceErrors);
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
            InputCommands.Register(t, Channels, Automation, Settings, Panel, Meter);
            StreamCommands.Register(t, Channels, Converter, StreamLink);
            CalibrationCommands.Register(t, Settings, Channels, StreamLink);
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
            return SelfTest.Run();
        }

        /// <summary>
        /// One pass of the control loop at board time <paramref name="nowMicroseconds"/>: host input, then (once booted)
        /// the watches, the panel, gain automation, the relay sequencers, the converter's mute and the delayed save.
        /// Called every few milliseconds by the app (or the simulator); reads no clock itself.
        /// </summary>
        public void Tick(long nowMicroseconds)
        {
            int elapsedMs = _clock.Advance(nowMicroseconds);
            Hosts.Poll();
            Converter.NoteOverload(Gain.IsOverloaded(0), Gain.IsOverloaded(1));
            if (!Channels.Ready)
            {
                return;
            }
            Converter.Watch(elapsedMs);
            GainChainWatch.Tick(elapsedMs);
            StreamLink.Watch();
            Panel.Tick(elapsedMs);
            Automation.Tick(elapsedMs);
            Channels.Tick(elapsedMs);
            Converter.ApplyMute(Channels.MuteBits());
            Settings.Tick(elapsedMs);
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
