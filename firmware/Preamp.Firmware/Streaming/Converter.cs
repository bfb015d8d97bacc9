// The converter as a whole: the PCM1863's control port and the sample loop that reads its I2S blocks.
using PreampFirmware.Drivers;

namespace PreampFirmware.Streaming
{
    /// <summary>
    /// Owns the PCM1863 and the sample loop, and with them the converter rate, the mute in the converter and the
    /// converter's health. Bring-up resets and configures the chip (muted, every write read back), starts the I2S clocks
    /// and waits for it to run on them. From the control tick it reads the status registers once a second (reads only,
    /// nothing reaches the audio); a converter that stops is reported once as -240 and cleared when it runs again.
    /// </summary>
    public sealed class Converter
    {
        /// <summary>Converter rate used at boot, S/s.</summary>
        public const int DefaultSampleRate = 48000;
        /// <summary>How often the control tick reads the converter's status registers, ms.</summary>
        public const int CheckMs = 1000;
        /// <summary>
        /// How long after a bring-up the sample framing is checked, ms: the saved state has been restored and the
        /// converter unmuted by then (a check that finds the inputs still muted leaves it to the next stream start).
        /// </summary>
        public const int FramingCheckDelayMs = 200;
        /// <summary>
        /// Checks that found only digital silence (both inputs muted) are tried again, every <see cref="FramingCheckDelayMs"/>,
        /// at most this many times (2 s): a mute lifted a moment before a check does not leave it UNCHECKED.
        /// </summary>
        public const int FramingSilenceRetries = 10;

        private readonly Pcm1863 _adc;
        private readonly SampleLoop _loop;
        private readonly DeviceErrors _errors;
        private int _sampleRate = DefaultSampleRate;
        private bool _fault;
        private int _idleMs;
        private int _overloadSeen;
        private int _framingDueMs;
        private int _framingRetries;
        private int _framingReported = SampleFraming.Normal;

        /// <summary>The converter of <paramref name="adc"/>, read through <paramref name="loop"/>; faults go to <paramref name="errors"/>.</summary>
        public Converter(Pcm1863 adc, SampleLoop loop, LevelMeter meter, DeviceErrors errors)
        {
            _adc = adc;
            _loop = loop;
            _errors = errors;
            meter.Configure(_sampleRate);
        }

        /// <summary>The PCM1863's control port.</summary>
        public Pcm1863 Adc { get { return _adc; } }

        /// <summary>The sample loop (the converter's blocks).</summary>
        public SampleLoop Loop { get { return _loop; } }

        /// <summary>Converter rate, S/s.</summary>
        public int SampleRate { get { return _sampleRate; } }

        /// <summary>True while the converter does not run as configured; reported once per episode as -240.</summary>
        public bool Fault { get { return _fault; } }

        /// <summary>True when the chip is configured and its clocks run.</summary>
        public bool IsRunning { get { return _adc.IsConfigured && _loop.IsRunning; } }

        /// <summary>Why the last operation on the chip failed.</summary>
        public string LastError { get { return _adc.LastError; } }

        /// <summary>Board time at which the next block is due.</summary>
        public long NextDueMicroseconds { get { return _loop.NextDueMicroseconds; } }

        /// <summary>Stops the clocks and forgets the chip's configuration (boot, or after a failed bring-up): it is set up again.</summary>
        public void Shutdown()
        {
            _loop.Stop();
            _adc.MarkUnconfigured();
        }

        /// <summary>
        /// Resets and configures the chip muted as <paramref name="muteBits"/> says (one retry after a fresh reset rides out a
        /// single glitch; a part that is really wrong fails both the same way), then starts the clocks and waits for it to run.
        /// </summary>
        public int BringUp(int muteBits)
        {
            int result = _adc.Initialize(muteBits);
            if (result != Pcm1863.Ok)
            {
                result = _adc.Initialize(muteBits);
            }
            _framingDueMs = FramingCheckDelayMs;
            _framingRetries = FramingSilenceRetries;
            return result == Pcm1863.Ok ? StartClocks() : result;
        }

        /// <summary>The framing of the samples, as the last check found it.</summary>
        public SampleFraming Framing { get { return _loop.Framing; } }

        /// <summary>
        /// Classifies the sample framing now, from the block read last (once; nothing per block afterwards). A wrong
        /// framing is reported once as a device error: -300 for one the host and the meter correct, -240 for SHIFT, which
        /// loses bits. Returns what the check found.
        /// </summary>
        public int CheckFraming()
        {
            int found = _loop.CheckFraming();
            if (found == SampleFraming.Unchecked && _framingRetries > 0)
            {
                _framingRetries--;
                _framingDueMs = FramingCheckDelayMs;   // silence: look again shortly
            }
            if (found >= SampleFraming.ByteSwap && found <= SampleFraming.Shift && found != _framingReported)
            {
                _framingReported = found;
                if (found == SampleFraming.Shift)
                {
                    _errors.Report(DeviceErrors.HardwareError, SampleFraming.ShiftFix);
                }
                else
                {
                    _errors.Report(DeviceErrors.DeviceSpecificError, "I2S samples arrive " + (found == SampleFraming.ByteSwap ? "byte-swapped" : "bit-reversed")
                                   + " (" + SampleFraming.NameOf(found) + "): the stream header flags it and the host and the meter undo it; "
                                   + "a nanoFramework image whose I2S native zero-initialises i2s_config_t fixes it");
                }
            }
            return found;
        }

        /// <summary>DIAGnostic:ADC:FRAMing:CHECk: <see cref="CheckFraming"/> now, and again shortly should it find only silence.</summary>
        public int CheckFramingOnDemand()
        {
            _framingRetries = FramingSilenceRetries;
            return CheckFraming();
        }

        /// <summary>
        /// Before a stream starts: checks the framing again when the last check did not decide it (or decided SHIFT).
        /// Returns null, or why the stream cannot start (SHIFT in force, whatever an undecided check said since: bits are
        /// lost), naming the fix.
        /// </summary>
        public string FramingBeforeStream()
        {
            if (!_loop.Framing.Decided || _loop.Framing.Shifted)
            {
                _framingDueMs = 0;
                CheckFraming();
            }
            return _loop.Framing.Shifted ? SampleFraming.ShiftFix : null;
        }

        /// <summary>Reads the status and configuration of a running chip (nothing is written). Returns <see cref="Pcm1863.Ok"/> or the failure.</summary>
        public int Check()
        {
            int result = _adc.CheckClocks(_sampleRate);
            return result == Pcm1863.Ok ? _adc.VerifyConfiguration() : result;
        }

        private int StartClocks()
        {
            _loop.Start(_sampleRate);
            return _adc.WaitUntilRunning(_sampleRate);
        }

        /// <summary>
        /// Sets the converter rate (already validated); with <paramref name="restart"/> the I2S clocks restart at the new rate
        /// and the chip must lock to them again. Returns null or why the chip did not run at the new rate.
        /// </summary>
        public string SetRate(int rate, bool restart)
        {
            if (rate == _sampleRate && _loop.IsRunning)
            {
                return null;
            }
            _sampleRate = rate;
            if (!restart || StartClocks() == Pcm1863.Ok)
            {
                return null;
            }
            _errors.Report(DeviceErrors.SelfTestFailed, _adc.LastError);
            return _adc.LastError;
        }

        /// <summary>
        /// Mutes in the converter what <paramref name="muteBits"/> says (b0 input 1, b1 input 2), so the stream and the
        /// meters carry exactly what is recorded. A write the converter does not take back is a converter fault (false: the
        /// caller tries again).
        /// </summary>
        public bool ApplyMute(int muteBits)
        {
            if (_adc.IsConfigured && _adc.SetMute(muteBits) != Pcm1863.Ok)
            {
                FaultFound(_adc.LastError);
                return false;
            }
            return true;
        }

        /// <summary>Once every <see cref="CheckMs"/>: the chip must run at the stream's rate with its clocks locked and its configuration intact.</summary>
        public void Watch(int elapsedMs)
        {
            if (_framingDueMs > 0)
            {
                _framingDueMs -= elapsedMs;
                if (_framingDueMs <= 0 && IsRunning && !_loop.Framing.Decided)
                {
                    CheckFraming();   // once after a bring-up
                }
            }
            _idleMs += elapsedMs;
            if (_idleMs < CheckMs || !_adc.IsConfigured)
            {
                return;
            }
            _idleMs = 0;
            if (Check() == Pcm1863.Ok)
            {
                _fault = false;
                return;
            }
            FaultFound(_adc.LastError);
        }

        private void FaultFound(string detail)
        {
            if (_fault)
            {
                return;
            }
            _fault = true;
            _errors.Report(DeviceErrors.HardwareError, detail);
        }

        /// <summary>
        /// DIAGnostic:ADC:CLOCk?: <c>state,rate,status</c> read from the status registers (reads only): HALTED (CLK_STATUS
        /// says BCK or LRCK halted; rate 0), ERROR (a BCK/LRCK error bit, or the part not running at the rate's class; the
        /// class's nominal rate) or RUN (the converter rate); status the CLK_STATUS byte (75h) in hex.
        /// </summary>
        public string ClockReport()
        {
            int status = _adc.Read(Pcm1863Reg.ClockStatus);
            int state = _adc.Read(Pcm1863Reg.DeviceStatus) & 0x0F;
            int rateClass = _adc.Read(Pcm1863Reg.RateStatus) & 0x07;
            string text = status.ToString("X2");
            if ((status & Pcm1863Reg.ClockHaltMask) != 0)
            {
                return "HALTED,0," + text;
            }
            if ((status & Pcm1863Reg.ClockErrorMask) != 0 || state != Pcm1863Reg.StateRun || rateClass != Pcm1863.RateClass(_sampleRate))
            {
                return "ERROR," + ClassRate(rateClass).ToString() + "," + text;
            }
            return "RUN," + _sampleRate.ToString() + "," + text;
        }

        private static int ClassRate(int rateClass)
        {
            switch (rateClass)
            {
                case 1: return 8000;
                case 2: return 16000;
                case 3: return 48000;
                case 4: return 96000;
                case 5: return 192000;
                default: return 0;
            }
        }

        /// <summary>Latches the PGA2500 overload pins between blocks (b0 input 1, b1 input 2), for the next block's header.</summary>
        public void NoteOverload(bool input1, bool input2)
        {
            if (input1) _overloadSeen |= 1;
            if (input2) _overloadSeen |= 2;
        }

        /// <summary>
        /// Reads the block that is due: the sample loop reads it into place, meters it and, while streaming, stamps it
        /// with the gains and relay bits in force and queues it. Per block only.
        /// </summary>
        public void Service(int gain1, int gain2, int relayBits)
        {
            _loop.Service(gain1, gain2, relayBits, _overloadSeen << 1);
            _overloadSeen = 0;
        }
    }
}
