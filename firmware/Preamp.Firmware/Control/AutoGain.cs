// Auto gain (listen, then set the gain for a peak target) and clip safe (reduce-only overload protection).
namespace PreampFirmware.Control
{
    /// <summary>Outcomes of an auto-gain run.</summary>
    public static class AutoGainStatus
    {
        /// <summary>Never run.</summary>
        public const int Idle = 0;
        /// <summary>Listening.</summary>
        public const int Running = 1;
        /// <summary>The gain was set for the target.</summary>
        public const int Success = 2;
        /// <summary>The source would need more than the maximum gain (the gain is left at the maximum).</summary>
        public const int TooQuiet = 3;
        /// <summary>The source overloads even at the minimum gain.</summary>
        public const int Clipped = 4;
        /// <summary>A manual gain change ended the window.</summary>
        public const int Cancelled = 5;

        /// <summary>The SCPI name of a status.</summary>
        public static string Name(int status)
        {
            switch (status)
            {
                case Running: return "RUNNING";
                case Success: return "SUCCESS";
                case TooQuiet: return "TOO_QUIET";
                case Clipped: return "CLIPPED";
                case Cancelled: return "CANCELLED";
                default: return "IDLE";
            }
        }
    }

    /// <summary>
    /// Auto gain of one channel, ticked with elapsed ms and the channel's level. During the window it tracks the
    /// loudest peak referred to the input (peak dBFS − gain); on overload it lowers the gain at once (10 dB) so the
    /// loudest part can still be measured. At the end it asks for the gain that puts that peak at the target.
    /// </summary>
    public sealed class AutoGain
    {
        /// <summary>Default listening window, ms.</summary>
        public const int DefaultWindowMs = 10000;
        /// <summary>Default peak target, dBFS.</summary>
        public const double DefaultTargetDbfs = -12.0;
        /// <summary>Peak that counts as overload while listening, dBFS.</summary>
        public const double OverloadDbfs = -1.0;
        /// <summary>Gain drop on overload while listening, dB.</summary>
        public const int OverloadStepDb = 10;
        /// <summary>
        /// Readings ignored after a start or a gain change, ms: the zero-crossing timeout (16 ms) plus the audio already
        /// on its way when the command came (two DMA blocks: 11 ms at 48 kHz, 32 ms at 16 kHz).
        /// </summary>
        public const int HoldoffMs = 50;
        /// <summary>Quietest input-referred peak taken as a signal, dBFS at 0 dB gain (below is silence).</summary>
        public const double SilenceDbfs = -150.0;

        private int _status = AutoGainStatus.Idle;
        private int _windowMs = DefaultWindowMs;
        private double _targetDbfs = DefaultTargetDbfs;
        private int _elapsedMs;
        private int _holdoffMs;
        private double _loudestInputDb;
        private bool _overloadAtMinimum;

        /// <summary>Current status (<see cref="AutoGainStatus"/>).</summary>
        public int Status { get { return _status; } }

        /// <summary>True while a running window ignores the level (just started, or just after a gain change).</summary>
        public bool HoldingOff { get { return _status == AutoGainStatus.Running && _holdoffMs > 0; } }

        /// <summary>Listening window, ms.</summary>
        public int WindowMs { get { return _windowMs; } set { _windowMs = value; } }

        /// <summary>Peak target, dBFS.</summary>
        public double TargetDbfs { get { return _targetDbfs; } set { _targetDbfs = value; } }

        /// <summary>Starts listening.</summary>
        public void Start()
        {
            _status = AutoGainStatus.Running;
            _elapsedMs = 0;
            _holdoffMs = HoldoffMs;
            _loudestInputDb = -1000;
            _overloadAtMinimum = false;
        }

        /// <summary>A manual change ends a running window.</summary>
        public void Cancel()
        {
            if (_status == AutoGainStatus.Running)
            {
                _status = AutoGainStatus.Cancelled;
            }
        }

        /// <summary>The gain changed (by this or anything else): ignore the level for a moment.</summary>
        public void GainChanged()
        {
            _holdoffMs = HoldoffMs;
        }

        /// <summary>
        /// Advances the window. <paramref name="peakDbfs"/> is the channel's recent peak, <paramref name="overload"/>
        /// the OVR pin. Returns the gain to set now (an overload step, or the final gain), or -1 for no change.
        /// </summary>
        public int Tick(int elapsedMs, double peakDbfs, bool overload, int gainDb)
        {
            if (_status != AutoGainStatus.Running)
            {
                return -1;
            }
            _elapsedMs += elapsedMs;
            if (_holdoffMs > 0)
            {
                _holdoffMs -= elapsedMs;
            }
            else
            {
                if (peakDbfs - gainDb > _loudestInputDb)
                {
                    _loudestInputDb = peakDbfs - gainDb;
                }
                if (overload || peakDbfs >= OverloadDbfs)
                {
                    if (gainDb == 0)
                    {
                        _overloadAtMinimum = true;
                    }
                    else
                    {
                        _holdoffMs = HoldoffMs;
                        int lower = gainDb - OverloadStepDb;
                        return lower < 10 ? 0 : lower;
                    }
                }
            }
            if (_elapsedMs < _windowMs)
            {
                return -1;
            }
            return Finish(gainDb);
        }

        private int Finish(int gainDb)
        {
            if (_overloadAtMinimum)
            {
                _status = AutoGainStatus.Clipped;
                return gainDb == 0 ? -1 : 0;
            }
            if (_loudestInputDb < SilenceDbfs)
            {
                _status = AutoGainStatus.TooQuiet;
                return 65;
            }
            double wanted = _targetDbfs - _loudestInputDb;
            int gain = Nearest(wanted);
            if (wanted > 65.5)
            {
                _status = AutoGainStatus.TooQuiet;
                return 65;
            }
            _status = AutoGainStatus.Success;
            return gain;
        }

        /// <summary>The PGA2500 gain nearest to <paramref name="wantedDb"/> (0 or 10..65).</summary>
        public static int Nearest(double wantedDb)
        {
            int g = (int)System.Math.Floor(wantedDb + 0.5);
            if (g > 65) return 65;
            if (g < 5) return 0;
            return g < 10 ? 10 : g;
        }
    }

    /// <summary>
    /// Clip safe of one channel: reduce-only. On overload (OVR pin, or a peak at or above −1 dBFS) it lowers the gain
    /// at once — by what the peak says is needed plus 3 dB, or 10 dB when the converter is clipped and the real level
    /// is unknown — and looks again after the change has taken effect. It never raises the gain.
    /// </summary>
    public sealed class ClipSafe
    {
        /// <summary>Peak that triggers a reduction, dBFS.</summary>
        public const double ThresholdDbfs = -1.0;
        /// <summary>Peak taken as a clipped converter, dBFS.</summary>
        public const double ClippedDbfs = -0.1;
        /// <summary>Reduction when clipped, dB.</summary>
        public const int ClippedStepDb = 10;
        /// <summary>Headroom left below full scale after a measured reduction, dB.</summary>
        public const int HeadroomDb = 3;
        /// <summary>Wait after a reduction before judging again, ms (zero-crossing timeout, then fresh samples).</summary>
        public const int SettleMs = 20;

        private bool _enabled;
        private int _settleMs;
        private int _reductions;

        /// <summary>On or off.</summary>
        public bool Enabled { get { return _enabled; } set { _enabled = value; } }

        /// <summary>Reductions made since it was switched on.</summary>
        public int Reductions { get { return _reductions; } }

        /// <summary>
        /// Advances by <paramref name="elapsedMs"/>; <paramref name="peakDbfs"/> is the peak since the last reduction
        /// settled, <paramref name="overload"/> the OVR pin. Returns a lower gain to set, or -1.
        /// </summary>
        public int Tick(int elapsedMs, double peakDbfs, bool overload, int gainDb)
        {
            if (!_enabled || gainDb == 0)
            {
                return -1;
            }
            if (_settleMs > 0)
            {
                _settleMs -= elapsedMs;
                return -1;
            }
            if (!overload && peakDbfs < ThresholdDbfs)
            {
                return -1;
            }
            int step = peakDbfs >= ClippedDbfs ? ClippedStepDb : (int)System.Math.Ceiling(peakDbfs + HeadroomDb);
            if (step < 1) step = 1;
            int lower = gainDb - step;
            if (lower < 10) lower = 0;
            _settleMs = SettleMs;
            _reductions++;
            return lower;
        }
    }
}
