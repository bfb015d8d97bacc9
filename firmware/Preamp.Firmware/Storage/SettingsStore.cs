// What the board keeps across power cycles: the last state, eight presets, the calibration and its lock.
using PreampFirmware.Control;
using PreampFirmware.Hal;

namespace PreampFirmware.Storage
{
    /// <summary>
    /// Persistence over <see cref="RecordStore"/> (two slots per record, so a power cut keeps the old record or the new
    /// one). The last state is written <see cref="SaveDelayMs"/> after the last change, so a turning knob costs one write;
    /// presets and the calibration are written when asked. A write that fails keeps the previous record and is reported;
    /// a record that does not load is reported once at boot and stays visible as a condition until it is written again.
    /// </summary>
    public sealed class SettingsStore
    {
        /// <summary>Presets *SAV and *RCL address (1..8).</summary>
        public const int Presets = 8;
        /// <summary>Quiet time after the last change before the state is written to flash, ms (limits flash wear while the knob turns).</summary>
        public const int SaveDelayMs = 250;

        private readonly RecordStore _records;
        private readonly Channels _channels;
        private readonly Calibration _calibration = new Calibration();
        private readonly DeviceErrors _errors;
        private readonly byte[] _settings = new byte[ChannelSettings.PayloadBytes];
        private readonly byte[] _calibrationPayload = new byte[Calibration.PayloadBytes];
        private bool _calibrationLock;
        private bool _dirty;
        private int _dirtyMs;
        private bool _stateDamaged;
        private bool _calibrationDamaged;
        private bool _saveFailing;

        /// <summary>The store of <paramref name="channels"/>' settings on <paramref name="files"/>; problems go to <paramref name="errors"/>.</summary>
        public SettingsStore(IFileStore files, Channels channels, DeviceErrors errors)
        {
            _records = new RecordStore(files);
            _channels = channels;
            _errors = errors;
            channels.Changed += MarkDirty;
        }

        /// <summary>The calibration in use (nominal values until one is loaded or imported).</summary>
        public Calibration Calibration { get { return _calibration; } }

        /// <summary>True while calibration writes are refused (CALibration:LOCK ON); kept across power cycles.</summary>
        public bool CalibrationLocked { get { return _calibrationLock; } }

        /// <summary>True while the stored calibration did not load at boot and nominal values are in use (until one is stored or cleared).</summary>
        public bool CalibrationDamaged { get { return _calibrationDamaged; } }

        /// <summary>True while the saved state did not load at boot (until the state is written again).</summary>
        public bool StateDamaged { get { return _stateDamaged; } }

        /// <summary>True while the last write to flash (the state, a preset, the calibration) failed; the previous record is still there.</summary>
        public bool SaveFailing { get { return _saveFailing; } }

        /// <summary>True while a change waits for its delayed write.</summary>
        public bool HasUnsavedChanges { get { return _dirty; } }

        /// <summary>Notes a change: the state is written <see cref="SaveDelayMs"/> after the last one.</summary>
        public void MarkDirty()
        {
            _dirty = true;
            _dirtyMs = 0;
        }

        /// <summary>Counts time towards the delayed write.</summary>
        public void Tick(int elapsedMs)
        {
            if (!_dirty)
            {
                return;
            }
            _dirtyMs += elapsedMs;
            if (_dirtyMs >= SaveDelayMs)
            {
                SaveNow();
            }
        }

        /// <summary>Writes the current settings to flash now (if they changed). Returns null or why it failed.</summary>
        public string SaveNow()
        {
            if (!_dirty)
            {
                return null;
            }
            _channels.Encode(_calibrationLock, _settings);
            string problem = _records.Save(ChannelSettings.StateFile, ChannelSettings.StateTag, ChannelSettings.Version, _settings, _settings.Length);
            _dirty = false;
            _saveFailing = problem != null;
            if (problem != null)
            {
                _errors.Report(DeviceErrors.HardwareError, "settings not saved: " + problem);
                return problem;
            }
            _stateDamaged = false;
            return null;
        }

        /// <summary>Locks or unlocks the calibration against writes; saved at once.</summary>
        public void SetCalibrationLock(bool locked)
        {
            _calibrationLock = locked;
            MarkDirty();
            SaveNow();
        }

        /// <summary>Stores the current settings as preset <paramref name="n"/> (1..8). Returns null or why it failed.</summary>
        public string SavePreset(int n)
        {
            _channels.Encode(_calibrationLock, _settings);
            string problem = _records.Save(ChannelSettings.PresetFile(n), ChannelSettings.PresetTag(n), ChannelSettings.Version, _settings, _settings.Length);
            _saveFailing = problem != null;
            return problem;
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
            _channels.Restore(payload, false);
            return null;
        }

        /// <summary>
        /// Boot: loads the last saved state and applies it the way a manual change would (relays through the sequencer,
        /// phantom only where the lock allows), with the phantom locks, the selection and the calibration lock. A
        /// damaged record is reported and the board stays at defaults.
        /// </summary>
        public void RestoreState()
        {
            byte[] payload;
            int result = _records.Load(ChannelSettings.StateFile, ChannelSettings.StateTag, ChannelSettings.Version, out payload);
            if (result == RecordStore.Loaded && ChannelSettings.IsPlausible(payload))
            {
                _channels.Restore(payload, true);
                _calibrationLock = ChannelSettings.CalibrationLock(payload);
                _dirty = false;
                return;
            }
            if (result != RecordStore.Empty)
            {
                _stateDamaged = true;
                _errors.Report(DeviceErrors.HardwareError, "saved settings are damaged; starting from defaults");
            }
        }

        /// <summary>Boot: loads the stored calibration, or nominal values (a damaged one is reported).</summary>
        public void LoadCalibration()
        {
            byte[] payload;
            int result = _records.Load(Calibration.File, Calibration.Tag, Calibration.Version, out payload);
            if (result == RecordStore.Loaded && _calibration.Decode(payload))
            {
                _calibrationDamaged = false;
                return;
            }
            _calibration.Clear();
            _calibrationDamaged = result != RecordStore.Empty;
            if (_calibrationDamaged)
            {
                _errors.Report(DeviceErrors.HardwareError, "stored calibration is damaged; using nominal values");
            }
        }

        /// <summary>Writes the calibration to flash (two slots). Returns null or why it failed (the old one is kept).</summary>
        public string StoreCalibration()
        {
            _calibration.Encode(_calibrationPayload);
            string problem = _records.Save(Calibration.File, Calibration.Tag, Calibration.Version, _calibrationPayload, _calibrationPayload.Length);
            _saveFailing = problem != null;
            if (problem == null)
            {
                _calibrationDamaged = false;
            }
            return problem;
        }

        /// <summary>Removes the stored calibration and returns to nominal values.</summary>
        public void ClearCalibration()
        {
            _calibration.Clear();
            string problem = _records.Erase(Calibration.File);
            _saveFailing = problem != null;
            if (problem != null)
            {
                _errors.Report(DeviceErrors.HardwareError, problem);
                return;
            }
            _calibrationDamaged = false;
        }
    }
}
