// Watching the PGA2500 chain in operation: every write checks the loop-back; an idle chain gets a heartbeat write.
using PreampFirmware.Drivers;

namespace PreampFirmware.Health
{
    /// <summary>
    /// Watches the PGA2500 chain from the control tick. Every write checks the loop-back (the chain shifts out the
    /// previous frame), and a chain nobody wrote to for <see cref="HeartbeatMs"/> gets the same words again (a no-op for
    /// the chips), so a chip that stops answering is reported within a second: once as -240 when it starts, cleared when
    /// every write since the last look came back right.
    /// </summary>
    public sealed class GainChainWatch
    {
        /// <summary>A gain chain left alone this long has its words written again, to check it still answers.</summary>
        public const int HeartbeatMs = 1000;

        private readonly Pga2500Chain _gain;
        private readonly DeviceErrors _errors;
        private bool _fault;
        private int _failuresSeen;
        private int _idleMs;
        private int _writesSeen;

        /// <summary>A watch on <paramref name="gain"/>; faults go to <paramref name="errors"/>.</summary>
        public GainChainWatch(Pga2500Chain gain, DeviceErrors errors)
        {
            _gain = gain;
            _errors = errors;
        }

        /// <summary>True while the chain's loop-back is wrong.</summary>
        public bool Fault { get { return _fault; } }

        /// <summary>
        /// Starts watching afresh after a self-test proved the chain loops back (failures of the safe state, when nobody
        /// watched, are not news).
        /// </summary>
        public void Resume()
        {
            _fault = false;
            _failuresSeen = _gain.LoopBackFailures;
            _writesSeen = _gain.Writes;
            _idleMs = 0;
        }

        /// <summary>One look, <paramref name="elapsedMs"/> after the last.</summary>
        public void Tick(int elapsedMs)
        {
            if (_gain.Writes == _writesSeen)
            {
                _idleMs += elapsedMs;
                if (_idleMs < HeartbeatMs)
                {
                    return;   // nothing written since the last look: nothing learned
                }
                _gain.Write();
            }
            _writesSeen = _gain.Writes;
            _idleMs = 0;
            int failures = _gain.LoopBackFailures;
            if (failures == _failuresSeen)
            {
                _fault = false;
                return;
            }
            _failuresSeen = failures;
            if (!_fault)
            {
                _fault = true;
                _errors.Report(DeviceErrors.HardwareError, _gain.LoopBackError + ": the gains may not be what they read");
            }
        }
    }
}
