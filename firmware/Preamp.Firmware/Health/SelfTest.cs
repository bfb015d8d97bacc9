// The self-test of both chips, at boot and on *TST?.
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Streaming;

namespace PreampFirmware.Health
{
    /// <summary>Called when a self-test failed: the board must go to its safe state.</summary>
    public delegate void SelfTestFailedHandler(int result);

    /// <summary>Called when a self-test passed: a board in its safe state may come back.</summary>
    public delegate void SelfTestPassedHandler();

    /// <summary>
    /// Tests the PGA2500 chain's loop-back (each chip's word on its own), then the converter. A converter that is not running yet (boot, or after a
    /// failure) is brought up; a running one is only read — its status and configuration — so a self-test while
    /// recording changes nothing in the converter's audio path. A running converter that fails the check gets one
    /// fresh bring-up. Each fault is reported as -330 with what a failure does (the safe state, and how to leave it); a
    /// failure raises <see cref="Failed"/>, a pass <see cref="Passed"/>.
    /// </summary>
    public sealed class SelfTest
    {
        /// <summary>Result bit: the PGA2500 chain did not loop back.</summary>
        public const int GainChain = 1;
        /// <summary>Result bit: the PCM1863 failed its set-up or does not run on the I2S clocks.</summary>
        public const int Adc = 2;

        private readonly Pga2500Chain _gain;
        private readonly Converter _converter;
        private readonly Channels _channels;
        private readonly DeviceErrors _errors;
        private int _result;
        private bool _run;

        /// <summary>A self-test of <paramref name="gain"/> and <paramref name="converter"/>; the mutes come from <paramref name="channels"/>.</summary>
        public SelfTest(Pga2500Chain gain, Converter converter, Channels channels, DeviceErrors errors)
        {
            _gain = gain;
            _converter = converter;
            _channels = channels;
            _errors = errors;
        }

        /// <summary>What a failure does, added to its report.</summary>
        public const string SafeStateNote = "; the board is in its safe state (muted, phantom off, gains 0 dB) until a *TST? passes, which brings back the last saved state";

        /// <summary>Raised after a run that found a fault.</summary>
        public event SelfTestFailedHandler Failed;

        /// <summary>Raised after a run that found no fault.</summary>
        public event SelfTestPassedHandler Passed;

        /// <summary>Result of the last run: 0 when both chips passed, else <see cref="GainChain"/> | <see cref="Adc"/>.</summary>
        public int Result { get { return _result; } }

        /// <summary>True once a run has happened.</summary>
        public bool HasRun { get { return _run; } }

        /// <summary>Runs the test. Returns the result bits (0 = pass).</summary>
        public int Run()
        {
            _run = true;
            _result = 0;
            // In operation the chain is checked with the words in force (nothing in the audio path moves); in the safe
            // state with the test pattern.
            string gainFault = _channels.Ready ? _gain.CheckInPlace() : _gain.SelfTest();
            if (gainFault != null)
            {
                _result |= GainChain;
            }
            bool running = _converter.IsRunning;
            int adc = running ? _converter.Check() : _converter.BringUp(_channels.MuteBits());
            if (adc != Pcm1863.Ok && running)
            {
                adc = _converter.BringUp(_channels.MuteBits());
            }
            string adcFault = null;
            if (adc != Pcm1863.Ok)
            {
                _result |= Adc;
                adcFault = _converter.LastError;
                _converter.Shutdown();
            }
            if (gainFault != null)
            {
                _errors.Report(DeviceErrors.SelfTestFailed, adcFault == null ? gainFault + SafeStateNote : gainFault);
            }
            if (adcFault != null)
            {
                _errors.Report(DeviceErrors.SelfTestFailed, adcFault + SafeStateNote);
            }
            if (_result != 0)
            {
                SelfTestFailedHandler failed = Failed;
                if (failed != null) failed(_result);
            }
            else
            {
                SelfTestPassedHandler passed = Passed;
                if (passed != null) passed();
            }
            return _result;
        }
    }
}
