// The calibration record on its own: limits of each correction, the reading it corrects, its byte layout, and what a
// stored payload must hold to be taken.
using nanoFramework.TestFramework;
using PreampFirmware.Control;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class CalibrationTests
    {
        private static void Near(double expected, double actual, string what = "")
        {
            double d = expected - actual;
            if (d < 0) d = -d;
            Assert.IsTrue(d < 1e-6, what + " expected " + expected.ToString() + ", got " + actual.ToString());
        }

        [TestMethod]
        public static void CorrectionsAreTakenUpTo127HundredthsOfADecibel()
        {
            Calibration c = new Calibration();
            Assert.IsTrue(c.SetPadDb(0, 21.27));
            Assert.IsTrue(c.SetPadDb(1, 18.73));
            Assert.IsFalse(c.SetPadDb(0, 21.28));
            Assert.IsFalse(c.SetPadDb(1, 18.72));
            Near(21.27, c.PadDb(0));
            Near(18.73, c.PadDb(1));
            Assert.IsTrue(c.SetGainCorrectionDb(0, 30, 1.27));
            Assert.IsTrue(c.SetGainCorrectionDb(1, 65, -1.27));
            Assert.IsFalse(c.SetGainCorrectionDb(0, 30, 1.28));
            Assert.IsFalse(c.SetGainCorrectionDb(1, 65, -1.28));
            Near(1.27, c.GainCorrectionDb(0, 30));
            Near(-1.27, c.GainCorrectionDb(1, 65));
            Near(0.0, c.GainCorrectionDb(1, 30), "each channel and step on its own");
        }

        [TestMethod]
        public static void AReadingAtOrBelowTheFloorStaysThere()
        {
            Calibration c = new Calibration();
            Near(-120.0, c.InputDbu(0, -120.0, 30, false, -120.0));
            Near(-120.0, c.InputDbu(0, -130.0, 30, false, -120.0));
            // A full-scale sine (-3.01 dBFS RMS) at 0 dB: the converter's full scale, 14.68 dBu; the pad adds its 20 dB.
            Near(14.68, c.InputDbu(0, -3.0103, 0, false, -120.0));
            Near(34.68, c.InputDbu(0, -3.0103, 0, true, -120.0));
        }

        [TestMethod]
        public static void AlignmentIsEbuUnlessSmpte()
        {
            Calibration c = new Calibration();
            c.Alignment = Calibration.AlignmentSmpte;
            Assert.AreEqual(Calibration.AlignmentSmpte, c.Alignment);
            c.Alignment = Calibration.AlignmentEbu;
            Assert.AreEqual(Calibration.AlignmentEbu, c.Alignment);
            c.Alignment = 7;
            Assert.AreEqual(Calibration.AlignmentEbu, c.Alignment);
        }

        private static Calibration Sample()
        {
            Calibration c = new Calibration();
            c.IsValid = true;
            c.Alignment = Calibration.AlignmentSmpte;
            c.ReferenceDbu = -40.25;
            c.ReferenceHz = 1000;
            c.SetPadDb(0, 20.5);
            c.SetPadDb(1, 19.0);
            c.SetGainCorrectionDb(0, 0, 0.01);
            c.SetGainCorrectionDb(0, 65, -0.02);
            c.SetGainCorrectionDb(1, 10, 1.0);
            return c;
        }

        [TestMethod]
        public static void ThePayloadLayoutIsFixed()
        {
            byte[] p = new byte[Calibration.PayloadBytes];
            Sample().Encode(p);
            // valid, SMPTE, -4025 cB as int16 LE (F047h), 1000 Hz LE (03E8h)
            Assert.AreEqual((byte)0x01, p[0]);
            Assert.AreEqual((byte)0x01, p[1]);
            Assert.AreEqual((byte)0x47, p[2]);
            Assert.AreEqual((byte)0xF0, p[3]);
            Assert.AreEqual((byte)0xE8, p[4]);
            Assert.AreEqual((byte)0x03, p[5]);
            Assert.AreEqual((byte)50, p[6]);                                          // channel 1's pad: +0.50 dB
            Assert.AreEqual((byte)1, p[7]);                                           // its step 0 (0 dB): +0.01
            Assert.AreEqual((byte)0xFE, p[7 + 56]);                                   // its step 56 (65 dB): -0.02
            Assert.AreEqual((byte)0x9C, p[6 + Calibration.ChannelBytes]);             // channel 2's pad: -1.00 dB
            Assert.AreEqual((byte)100, p[7 + Calibration.ChannelBytes + 1]);          // its step 1 (10 dB): +1.00
            Calibration invalid = new Calibration();
            invalid.Encode(p);
            Assert.AreEqual((byte)0, p[0]);
        }

        [TestMethod]
        public static void APayloadRoundTripsAndClearGoesBackToNominal()
        {
            byte[] p = new byte[Calibration.PayloadBytes];
            Sample().Encode(p);
            Calibration c = new Calibration();
            Assert.IsTrue(c.Decode(p));
            Assert.IsTrue(c.IsValid);
            Assert.AreEqual(Calibration.AlignmentSmpte, c.Alignment);
            Near(-40.25, c.ReferenceDbu);
            Assert.AreEqual(1000, c.ReferenceHz);
            Near(20.5, c.PadDb(0));
            Near(19.0, c.PadDb(1));
            Near(-0.02, c.GainCorrectionDb(0, 65));
            Near(1.0, c.GainCorrectionDb(1, 10));
            byte[] again = new byte[Calibration.PayloadBytes];
            c.Encode(again);
            for (int i = 0; i < p.Length; i++) Assert.AreEqual(p[i], again[i], "byte " + i.ToString());

            c.Clear();
            Assert.IsFalse(c.IsValid);
            Near(0.0, c.ReferenceDbu);
            Assert.AreEqual(0, c.ReferenceHz);
            Near(Calibration.NominalPadDb, c.PadDb(0));
            Near(Calibration.NominalPadDb, c.PadDb(1));
            Near(0.0, c.GainCorrectionDb(0, 0));
            Near(0.0, c.GainCorrectionDb(1, 10));
            Near(0.0, c.GainCorrectionDb(0, 65));
        }

        [TestMethod]
        public static void APayloadThatCannotBeACalibrationChangesNothing()
        {
            Calibration c = Sample();
            byte[] good = new byte[Calibration.PayloadBytes];
            c.Encode(good);
            Assert.IsFalse(c.Decode(null));
            Assert.IsFalse(c.Decode(new byte[Calibration.PayloadBytes - 1]));
            byte[] p = new byte[Calibration.PayloadBytes];
            p[1] = 2;
            Assert.IsFalse(c.Decode(p), "an unknown alignment");
            p[1] = 0;
            p[0] = 2;
            Assert.IsFalse(c.Decode(p), "an unknown flag");
            byte[] after = new byte[Calibration.PayloadBytes];
            c.Encode(after);
            for (int i = 0; i < good.Length; i++) Assert.AreEqual(good[i], after[i], "byte " + i.ToString());
        }
    }
}
