// The firmware's root object: owns the drivers, brings the board up safely, and runs from ticks.
using PreampFirmware.Drivers;
using PreampFirmware.Hal;

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

        private readonly BoardIo _io;
        private readonly ErrorQueue _errors = new ErrorQueue();
        private readonly bool[] _muted = new bool[Channels];
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
        /// Power-on sequence: safe state, then the PGA2500 loop-back test and the ADS131M02 bring-up.
        /// Returns the self-test result (0 = pass). On a failure the board stays safe and each fault is queued
        /// as -330 "Self-test failed;&lt;reason&gt;".
        /// </summary>
        public int Boot()
        {
            EnterSafeState();
            _selfTest = 0;

            string gainFault = Gain.SelfTest();
            if (gainFault != null)
            {
                _selfTest |= SelfTestGainChain;
                _errors.Push(ErrorSelfTest, "Self-test failed;" + gainFault);
            }

            // One retry with a fresh reset rides out a single glitch on the bus; a chip that is really
            // wrong fails both attempts the same way.
            if (Adc.Initialize(DefaultSampleRate) != Ads131m02.Ok && Adc.Initialize(DefaultSampleRate) != Ads131m02.Ok)
            {
                _selfTest |= SelfTestAdc;
                _errors.Push(ErrorSelfTest, "Self-test failed;" + Adc.LastError);
                Adc.HoldInReset();
            }

            if (_selfTest != 0)
            {
                EnterSafeState();
                return _selfTest;
            }
            _ready = true;
            return 0;
        }
    }
}
