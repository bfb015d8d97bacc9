// The self-test of both chips, at boot and on *TST?.
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Streaming;

namespace PreampFirmware.Health
{
    /// <summary>Called when a self-test failed: the board must go to its safe state.</summary>
    public delegate void SelfTestFailedHandler(int result);

    /// <summary>
    /// Tests the PGA2500 chain's loop-back (each chip's word on its own), then the converter. A converter that is not running yet (boot, or after a
    /// failure) is brought up; a running one is only read — its status and configuration — so a self-test while
    /// recording changes nothing in the converter's audio path. A running converter that fails the check gets one
    /// fresh bring-up. Each fault is reported as -330; a failure raises <see cref="Failed"/>.
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

        /// <summary>Raised after a run that found a fault.</summary>
        public event SelfTestFailedHandler Failed;

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
                _errors.Report(DeviceErrors.SelfTestFailed, gainFault);
            }
            bool running = _converter.IsRunning;
            int adc = running ? _converter.Check() : _converter.BringUp(_channels.MuteBits());
            if (adc != Pcm1863.Ok && running)
            {
                adc = _converter.BringUp(_channels.MuteBits());
            }
            if (adc != Pcm1863.Ok)
            {
                _result |= Adc;
                _errors.Report(DeviceErrors.SelfTestFailed, _converter.LastError);
                _converter.Shutdown();
            }
            if (_result != 0)
            {
                SelfTestFailedHandler handler = Failed;
                if (handler != null) handler(_result);
            }
            return _result;
        }
    }
}
