// The CALibration subtree: what the host's calibration wizard needs, guarded by CALibration:LOCK.
using System;
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Scpi;
using PreampFirmware.Storage;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>
    /// CALibration commands. The heavy work (averaging, RMS, fitting) is the host's; the device holds the result,
    /// applies it (corrections to dBu readings) and keeps it in two flash slots. A calibration is valid only when a
    /// complete one was imported (CALibration:DATA, what the wizard measured, with its reference) or loaded: no command
    /// marks hand-set values valid.
    /// </summary>
    public static class CalibrationCommands
    {
        /// <summary>Adds CALibration:… to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, SettingsStore store, Channels channels, StreamLink stream)
        {
            t.Add("CALibration:STATe?", c => c.Reply(store.Calibration.IsValid ? "1" : "0"));
            t.Add("CALibration:LOCK", 1, 1, 1, c => { bool on; if (c.TryBoolean(0, out on)) store.SetCalibrationLock(on); });
            t.Add("CALibration:LOCK?", c => c.Reply(store.CalibrationLocked ? "1" : "0"));
            t.Add("CALibration:GAIN", 3, 3, 1, c => GainStep(store, c));
            t.Add("CALibration:GAIN?", 2, 2, 1, c => GainQuery(store, c));
            t.Add("CALibration:PAD", 2, 2, 1, c => Pad(store, c));
            t.Add("CALibration:PAD?", 1, 1, 1, c => { int n; if (Channel(c, 0, out n)) c.Reply(ScpiFormat.Fixed(store.Calibration.PadDb(n), 2)); });
            t.Add("CALibration:ALIGnment", 1, 1, 1, c => Alignment(store, c));
            t.Add("CALibration:ALIGnment?", c => c.Reply(store.Calibration.Alignment == Calibration.AlignmentSmpte ? "SMPTE" : "EBU"));
            t.Add("CALibration:REFerence", 2, 2, 1, c => Reference(store, c));
            t.Add("CALibration:REFerence?", c => c.Reply(ScpiFormat.Fixed(store.Calibration.ReferenceDbu, 2) + "," + store.Calibration.ReferenceHz.ToString()));
            t.Add("CALibration:DATA", 1, 1, 1, c => Import(store, channels, stream, c));
            t.Add("CALibration:DATA?", c => c.Reply("\"" + Export(store) + "\""));
            t.Add("CALibration:STORe", c => Store(store, c));
            t.Add("CALibration:CLEar", c => { if (Writable(store, c)) store.ClearCalibration(); });
        }

        private static bool Writable(SettingsStore store, ScpiCall c)
        {
            if (store.CalibrationLocked)
            {
                c.Fail(ScpiError.SettingsConflict, "calibration is locked (CALibration:LOCK OFF)");
                return false;
            }
            return true;
        }

        private static bool Stopped(Channels channels, StreamLink stream, ScpiCall c)
        {
            if (stream.IsRunning)
            {
                c.Fail(ScpiError.SettingsConflict, "stop the stream first: converter registers cannot change while it runs");
                return false;
            }
            if (!channels.Ready)
            {
                c.Fail(ScpiError.HardwareError, "the board failed its self-test");
                return false;
            }
            return true;
        }

        private static bool Channel(ScpiCall c, int index, out int channel)
        {
            channel = 0;
            int n;
            if (!c.TryInteger(index, out n)) return false;
            if (n < 1 || n > Channels.Count)
            {
                c.Fail(ScpiError.DataOutOfRange, "channel must be 1 or 2");
                return false;
            }
            channel = n - 1;
            return true;
        }

        private static void GainStep(SettingsStore store, ScpiCall c)
        {
            int channel;
            int gain;
            double db;
            if (!Writable(store, c) || !Channel(c, 0, out channel) || !c.TryInteger(1, out gain) || !c.TryNumber(2, out db)) return;
            if (!Pga2500Chain.IsValidGain(gain))
            {
                c.Fail(ScpiError.DataOutOfRange, "gain must be 0 or 10..65 dB");
                return;
            }
            if (!store.Calibration.SetGainCorrectionDb(channel, gain, db))
            {
                c.Fail(ScpiError.DataOutOfRange, "a gain error beyond +/-1.27 dB is a fault, not something to calibrate away");
            }
        }

        private static void GainQuery(SettingsStore store, ScpiCall c)
        {
            int channel;
            int gain;
            if (!Channel(c, 0, out channel) || !c.TryInteger(1, out gain)) return;
            if (!Pga2500Chain.IsValidGain(gain))
            {
                c.Fail(ScpiError.DataOutOfRange, "gain must be 0 or 10..65 dB");
                return;
            }
            c.Reply(ScpiFormat.Fixed(store.Calibration.GainCorrectionDb(channel, gain), 2));
        }

        private static void Pad(SettingsStore store, ScpiCall c)
        {
            int channel;
            double db;
            if (!Writable(store, c) || !Channel(c, 0, out channel) || !c.TryNumber(1, out db)) return;
            if (!store.Calibration.SetPadDb(channel, db))
            {
                c.Fail(ScpiError.DataOutOfRange, "pad must be within 20 +/- 1.27 dB");
            }
        }

        private static void Alignment(SettingsStore store, ScpiCall c)
        {
            if (!Writable(store, c)) return;
            if (c.IsKeyword(0, "EBU")) store.Calibration.Alignment = Calibration.AlignmentEbu;
            else if (c.IsKeyword(0, "SMPTE")) store.Calibration.Alignment = Calibration.AlignmentSmpte;
            else c.Fail(ScpiError.IllegalParameterValue, "alignment is EBU (R68) or SMPTE (RP155)");
        }

        private static void Reference(SettingsStore store, ScpiCall c)
        {
            double dbu;
            int hz;
            if (!Writable(store, c) || !c.TryNumber(0, out dbu) || !c.TryInteger(1, out hz)) return;
            if (dbu < -100 || dbu > 30 || hz < 20 || hz > 20000)
            {
                c.Fail(ScpiError.DataOutOfRange, "reference: -100..30 dBu, 20..20000 Hz");
                return;
            }
            store.Calibration.ReferenceDbu = dbu;
            store.Calibration.ReferenceHz = hz;
        }

        /// <summary>The calibration as a Base64 record image (tag, version, CRC), the form DATA imports.</summary>
        public static string Export(SettingsStore store)
        {
            byte[] payload = new byte[Calibration.PayloadBytes];
            store.Calibration.Encode(payload);
            return Convert.ToBase64String(RecordStore.Encode(Calibration.Tag, Calibration.Version, 0, payload, payload.Length));
        }

        private static void Import(SettingsStore store, Channels channels, StreamLink stream, ScpiCall c)
        {
            if (!Writable(store, c) || !Stopped(channels, stream, c)) return;
            byte[] image;
            try
            {
                image = Convert.FromBase64String(c.Text(0));
            }
            catch (Exception)
            {
                c.Fail(ScpiError.DataTypeError, "calibration data is not Base64");
                return;
            }
            if (!RecordStore.IsValid(image, Calibration.Tag, Calibration.Version))
            {
                c.Fail(ScpiError.IllegalParameterValue, "not a calibration record of version " + Calibration.Version.ToString() + " (tag, length or CRC wrong)");
                return;
            }
            byte[] payload = new byte[image.Length - RecordStore.HeaderBytes - 2];
            Array.Copy(image, RecordStore.HeaderBytes, payload, 0, payload.Length);
            Calibration check = new Calibration();
            if (!check.Decode(payload))
            {
                c.Fail(ScpiError.IllegalParameterValue, "calibration values out of range");
                return;
            }
            if (!check.IsComplete)
            {
                c.Fail(ScpiError.IllegalParameterValue, "not a complete calibration (it must be marked valid and name its reference, 20..20000 Hz); CALibration:CLEar returns to nominal values");
                return;
            }
            store.Calibration.Decode(payload);
        }

        private static void Store(SettingsStore store, ScpiCall c)
        {
            if (!Writable(store, c)) return;
            string problem = store.StoreCalibration();
            if (problem != null)
            {
                c.Fail(ScpiError.HardwareError, "calibration not stored, the previous one is kept: " + problem);
            }
        }
    }
}
