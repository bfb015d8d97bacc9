// Persistence on its own: the delayed save, failed writes that keep the old record, damaged records, presets, calibration.
using nanoFramework.TestFramework;
using PreampFirmware.Control;
using PreampFirmware.Health;
using PreampFirmware.Storage;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class SettingsStoreTests
    {
        private sealed class Rig
        {
            public readonly FakeFileStore Files;
            public readonly ChannelRig Channels = new ChannelRig();
            public readonly DeviceErrors Errors = new DeviceErrors();
            public readonly ErrorLog Log;
            public readonly SettingsStore Store;

            public Rig(FakeFileStore files)
            {
                Files = files;
                Log = new ErrorLog(Errors);
                Store = new SettingsStore(files, Channels.Channels, Errors);
            }

            public byte[] Encoded()
            {
                byte[] p = new byte[ChannelSettings.PayloadBytes];
                Channels.Channels.Encode(Store.CalibrationLocked, p);
                return p;
            }
        }

        private static void AssertSameBytes(byte[] expected, byte[] actual)
        {
            Assert.AreEqual(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], "byte " + i.ToString());
        }

        [TestMethod]
        public static void ATurningKnobCostsOneWriteAfterItStops()
        {
            Rig r = new Rig(new FakeFileStore());
            for (int i = 0; i < 10; i++)
            {
                r.Channels.Channels.StepGain(0, 1);
                r.Store.Tick(100);
            }
            Assert.AreEqual(0, r.Files.Writes, "nothing written while it turns");
            r.Store.Tick(SettingsStore.SaveDelayMs);
            Assert.AreEqual(1, r.Files.Writes);
            r.Store.Tick(1000);
            Assert.AreEqual(1, r.Files.Writes, "nothing changed since");

            Rig after = new Rig(r.Files);
            after.Store.RestoreState();
            AssertSameBytes(r.Encoded(), after.Encoded());
            Assert.AreEqual(0, after.Log.Count);
        }

        [TestMethod]
        public static void AFailedWriteIsReportedAndKeepsTheOldRecord()
        {
            Rig r = new Rig(new FakeFileStore());
            r.Channels.Channels.SetGain(0, 30);
            Assert.IsNull(r.Store.SaveNow());
            byte[] good = r.Encoded();
            r.Files.FailWrites = true;
            r.Channels.Channels.SetGain(0, 50);
            r.Store.Tick(SettingsStore.SaveDelayMs);
            Assert.IsTrue(r.Store.SaveFailing);
            Assert.StartsWith("-240:settings not saved: writing state", r.Log.Text);

            r.Files.FailWrites = false;
            Rig after = new Rig(r.Files);
            after.Store.RestoreState();
            AssertSameBytes(good, after.Encoded());
        }

        [TestMethod]
        public static void AFailedPresetOrCalibrationWriteIsAConditionUntilAWriteSucceeds()
        {
            Rig r = new Rig(new FakeFileStore());
            r.Files.FailWrites = true;
            Assert.IsNotNull(r.Store.SavePreset(2));
            Assert.IsTrue(r.Store.SaveFailing, "a preset that did not reach the flash");
            r.Files.FailWrites = false;
            Assert.IsNull(r.Store.SavePreset(2));
            Assert.IsFalse(r.Store.SaveFailing);
            r.Files.FailWrites = true;
            Assert.IsNotNull(r.Store.StoreCalibration());
            Assert.IsTrue(r.Store.SaveFailing, "a calibration that did not reach the flash");
        }

        [TestMethod]
        public static void ADamagedStateIsReportedOnceAndStaysAConditionUntilTheNextSave()
        {
            Rig r = new Rig(new FakeFileStore());
            r.Channels.Channels.SetGain(1, 44);
            r.Store.SaveNow();
            r.Files.Damage("state.a", 14);
            Rig after = new Rig(r.Files);
            after.Store.RestoreState();
            Assert.AreEqual(0, after.Channels.Spi.GainOf(1), "defaults");
            Assert.IsTrue(after.Store.StateDamaged);
            Assert.AreEqual("-240:saved settings are damaged; starting from defaults\n", after.Log.Text);
            after.Channels.Channels.SetGain(1, 20);
            after.Store.SaveNow();
            Assert.IsFalse(after.Store.StateDamaged);
        }

        [TestMethod]
        public static void PresetsRecallWhatWasSavedAndSayWhenEmpty()
        {
            Rig r = new Rig(new FakeFileStore());
            Assert.AreEqual("preset 3 is empty", r.Store.RecallPreset(3));
            r.Channels.Channels.SetGain(0, 12);
            r.Channels.Channels.SetPolarity(1, true);
            Assert.IsNull(r.Store.SavePreset(3));
            byte[] saved = r.Encoded();
            r.Channels.Channels.SetGain(0, 60);
            r.Channels.Channels.SetPolarity(1, false);
            Assert.IsNull(r.Store.RecallPreset(3));
            AssertSameBytes(saved, r.Encoded());
            r.Files.Damage("preset3.a", 13);
            Assert.AreEqual("preset 3 is damaged", r.Store.RecallPreset(3));
        }

        [TestMethod]
        public static void TheCalibrationAndItsLockComeBackAfterAPowerCycle()
        {
            Rig r = new Rig(new FakeFileStore());
            r.Store.Calibration.SetPadDb(1, 19.5);
            r.Store.Calibration.SetGainCorrectionDb(0, 40, -0.31);
            r.Store.Calibration.IsValid = true;
            Assert.IsNull(r.Store.StoreCalibration());
            r.Store.SetCalibrationLock(true);

            Rig after = new Rig(r.Files);
            after.Store.LoadCalibration();
            after.Store.RestoreState();
            Assert.IsTrue(after.Store.CalibrationLocked);
            byte[] a = new byte[Calibration.PayloadBytes];
            byte[] b = new byte[Calibration.PayloadBytes];
            r.Store.Calibration.Encode(a);
            after.Store.Calibration.Encode(b);
            AssertSameBytes(a, b);
            Assert.IsFalse(after.Store.CalibrationDamaged);

            after.Files.Damage("calibration.a", 20);
            Rig third = new Rig(r.Files);
            third.Store.LoadCalibration();
            Assert.IsTrue(third.Store.CalibrationDamaged);
            Assert.IsFalse(third.Store.Calibration.IsValid, "nominal values");
            third.Store.ClearCalibration();
            Assert.IsFalse(third.Store.CalibrationDamaged);
        }
    }
}
