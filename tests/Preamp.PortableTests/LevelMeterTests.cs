// The on-device meter: spot samples from each block, carried across blocks, reading a tone's level right.
using System;
using nanoFramework.TestFramework;
using PreampFirmware.Hal;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class LevelMeterTests
    {
        private static byte[] SineBlock(int frames, long startFrame, double amplitude, double hz, int rate, int offset)
        {
            byte[] b = new byte[offset + frames * AudioFrame.Bytes];
            for (int f = 0; f < frames; f++)
            {
                double v = amplitude * Math.Sin(2 * Math.PI * hz * (startFrame + f) / rate);
                int code = (int)(v * 8388607);
                FakeAudioInput.PutSample(b, offset + f * 6, code);
                FakeAudioInput.PutSample(b, offset + f * 6 + 3, -code / 10);
            }
            return b;
        }

        [TestMethod]
        public static void TheDecimationIsOddNotAMultipleOfThreeAndNearTheSpotRate()
        {
            LevelMeter m = new LevelMeter();
            m.Configure(48000);
            Assert.AreEqual(D, m.Decimation);
            Assert.AreEqual(S, m.SpotsPerSubWindow);             // 234 spots a second, 30 ms
            m.Configure(44100);
            Assert.AreEqual(187, m.Decimation);
            m.Configure(16000);
            Assert.AreEqual(67, m.Decimation);
            int[] rates = new int[] { 16000, 32000, 44100, 48000, 88200, 96000 };
            for (int i = 0; i < rates.Length; i++)
            {
                int d = LevelMeter.DecimationFor(rates[i]);
                Assert.IsTrue(d % 2 == 1 && d % 3 != 0, "odd, not a multiple of 3: " + d.ToString());
                int spots = rates[i] / d;
                Assert.IsTrue(spots >= 200 && spots <= 250, "about " + LevelMeter.SpotRate.ToString() + " spots a second: " + spots.ToString());
            }
        }

        [TestMethod]
        public static void ASineReadsItsRmsAndPeakFromSpotSamples()
        {
            for (int r = 0; r < 2; r++)
            {
                int rate = r == 0 ? 48000 : 44100;
                LevelMeter m = new LevelMeter();
                m.Configure(rate);
                long frame = 0;
                for (int block = 0; block < 80; block++)
                {
                    m.OfferBlock(SineBlock(256, frame, 0.5, 1000, rate, 46), 46, 256, 0);
                    frame += 256;
                }
                double rms = m.RmsDbfs(0);
                Assert.IsTrue(Math.Abs(rms - (-6.0206 - 3.0103)) < 0.05, "RMS " + rms.ToString() + " dBFS at " + rate.ToString());
                Assert.IsTrue(m.PeakDbfs(0) > -6.2 && m.PeakDbfs(0) <= -6.02, "peak " + m.PeakDbfs(0).ToString());
                Assert.IsTrue(Math.Abs(m.RmsDbfs(1) - (rms - 20)) < 0.05, "channel 2 is 20 dB lower: " + m.RmsDbfs(1).ToString());
            }
        }

        [TestMethod]
        public static void TheSlotOfChannelOneIsHonoured()
        {
            LevelMeter m = new LevelMeter();
            m.Configure(48000);
            long frame = 0;
            for (int block = 0; block < 80; block++)
            {
                m.OfferBlock(SineBlock(256, frame, 0.5, 1000, 48000, 0), 0, 256, 1);
                frame += 256;
            }
            Assert.IsTrue(m.RmsDbfs(0) < m.RmsDbfs(1) - 19, "channel 1 read from the second slot");
        }

        [TestMethod]
        public static void SpotSamplesCarryOverFromBlockToBlock()
        {
            LevelMeter m = new LevelMeter();
            m.Configure(48000);
            byte[] b = new byte[10 * 6];
            FakeAudioInput.PutSample(b, 0, 1000);
            m.OfferBlock(b, 0, 10, 0);          // frame 0 metered, the next spot is frame D
            Assert.AreEqual(1000.0 / 8388608.0, m.PeakFraction(0));
            byte[] c = new byte[(D - 10) * 6];
            FakeAudioInput.PutSample(c, (D - 11) * 6, 5000);   // frame D - 1 overall: not a spot
            m.OfferBlock(c, 0, D - 10, 0);
            Assert.AreEqual(1000.0 / 8388608.0, m.PeakFraction(0));
            byte[] e = new byte[6];
            FakeAudioInput.PutSample(e, 0, 7000);              // frame D overall: the next spot
            m.OfferBlock(e, 0, 1, 0);
            Assert.AreEqual(7000.0 / 8388608.0, m.PeakFraction(0));
        }

        private const double FullScale = 8388608.0;
        /// <summary>Frames per spot sample at 48 kHz.</summary>
        private const int D = 205;
        /// <summary>Spot samples in a sub-window at 48 kHz.</summary>
        private const int S = 7;

        /// <summary>A meter at 48 kHz: <see cref="S"/> spot samples fill a 30 ms sub-window.</summary>
        private static LevelMeter At48k()
        {
            LevelMeter m = new LevelMeter();
            m.Configure(48000);
            return m;
        }

        private static void AddMany(LevelMeter m, int count, int ch0, int ch1)
        {
            for (int i = 0; i < count; i++) m.Add(ch0, ch1);
        }

        [TestMethod]
        public static void DecimationsForOtherRates()
        {
            LevelMeter m = new LevelMeter();
            m.Configure(400);
            Assert.AreEqual(1, m.Decimation);
            m.Configure(8000);
            Assert.AreEqual(35, m.Decimation);       // 8000 / 230 = 34 is even
            m.Configure(6210);
            Assert.AreEqual(29, m.Decimation);       // 27 is a multiple of 3
            m.Configure(24000);
            Assert.AreEqual(107, m.Decimation);      // 104 is even, 105 a multiple of 3
        }

        [TestMethod]
        public static void ConfiguringOrClearingForgetsTheReading()
        {
            LevelMeter m = At48k();
            AddMany(m, 30, 9000, 9000);
            m.Configure(44100);
            Assert.AreEqual(0.0, m.PeakFraction(0));
            Assert.AreEqual(LevelMeter.Floor, m.RmsDbfs(0), "nothing metered: the floor, not a number");
            AddMany(m, 30, 9000, 9000);
            m.Clear();
            Assert.AreEqual(0.0, m.PeakFraction(1));
            Assert.AreEqual(0.0, m.RmsFraction(1));
            m.Add(1000, -2000);
            Assert.AreEqual(1000 / FullScale, m.RmsFraction(0), "one sample after a clear: its own RMS");
            Assert.AreEqual(2000 / FullScale, m.RmsFraction(1));
        }

        [TestMethod]
        public static void NegativeSamplesCountByTheirSize()
        {
            LevelMeter m = At48k();
            m.Add(-5000, 3000);
            Assert.AreEqual(5000 / FullScale, m.PeakFraction(0));
            Assert.AreEqual(3000 / FullScale, m.PeakFraction(1));
            Assert.AreEqual(5000 / FullScale, m.RmsFraction(0));
            m.Add(4000, -7000);
            Assert.AreEqual(5000 / FullScale, m.PeakFraction(0));
            Assert.AreEqual(7000 / FullScale, m.PeakFraction(1));
            Assert.AreEqual(7000 / FullScale, m.FreshPeakFraction(1));
            m.ResetFreshPeak(1);
            Assert.AreEqual(0.0, m.FreshPeakFraction(1));
            Assert.AreEqual(5000 / FullScale, m.FreshPeakFraction(0));
        }

        [TestMethod]
        public static void TheRecentPeakIsTheCurrentAndThePreviousSubWindow()
        {
            LevelMeter m = At48k();
            m.Add(9000, 10);
            AddMany(m, S - 1, 0, 0);                   // sub-window 0 full
            Assert.AreEqual(9000 / FullScale, m.RecentPeakFraction(0), "the previous one");
            Assert.AreEqual(9000, m.RecentPeak(0));
            AddMany(m, S, 100, 20);                    // sub-window 1 full: 0 is two back
            Assert.AreEqual(100 / FullScale, m.RecentPeakFraction(0));
            Assert.AreEqual(20 / FullScale, m.RecentPeakFraction(1));
            Assert.AreEqual(100, m.RecentPeak(0));
            Assert.AreEqual(20, m.RecentPeak(1));
            Assert.AreEqual(9000 / FullScale, m.PeakFraction(0), "still in the 300 ms window");
            m.Add(300, 5);
            Assert.AreEqual(300 / FullScale, m.RecentPeakFraction(0), "the current one");
            Assert.AreEqual(20 / FullScale, m.RecentPeakFraction(1));
            Assert.AreEqual(300, m.RecentPeak(0));
            Assert.AreEqual(20, m.RecentPeak(1));
            AddMany(m, S - 1 + S * 7, 0, 0);           // up to sub-window 9, then back to 0
            m.Add(0, 0);
            Assert.AreEqual(0.0, m.RecentPeakFraction(0));
            Assert.AreEqual(0, m.RecentPeak(0));
            AddMany(m, S - 1, 0, 0);
            Assert.AreEqual(300 / FullScale, m.PeakFraction(0), "sub-window 0 was cleared for its new turn: 9000 is gone, 300 is still in");
        }

        [TestMethod]
        public static void RecentPeakAcrossTheWrap()
        {
            LevelMeter m = At48k();
            AddMany(m, S * 9, 0, 0);                   // sub-window 9 is current
            m.Add(0, 4000);
            AddMany(m, S - 1, 0, 0);                   // back to 0: 9 is the previous
            Assert.AreEqual(4000 / FullScale, m.RecentPeakFraction(1));
            Assert.AreEqual(4000, m.RecentPeak(1));
            AddMany(m, S, 0, 0);                       // and then it is two back
            Assert.AreEqual(0, m.RecentPeak(1));
        }

        [TestMethod]
        public static void DecibelsAreFlooredAt200()
        {
            Assert.AreEqual(LevelMeter.Floor, LevelMeter.ToDb(0));
            Assert.AreEqual(LevelMeter.Floor, LevelMeter.ToDb(1e-12));
            Assert.AreEqual(-20.0, LevelMeter.ToDb(0.1));
        }

        [TestMethod]
        public static void BlockSamplesAreDecodedWholeAndByTheirSize()
        {
            LevelMeter m = At48k();
            byte[] b = new byte[6];
            FakeAudioInput.PutSample(b, 0, -0x123456);
            FakeAudioInput.PutSample(b, 3, 0x3456F1);
            m.OfferBlock(b, 0, 1, 0);
            Assert.AreEqual(0x123456 / FullScale, m.PeakFraction(0));
            Assert.AreEqual(0x3456F1 / FullScale, m.PeakFraction(1));
            Assert.AreEqual(0x123456 / FullScale, m.RmsFraction(0));
        }

        [TestMethod]
        public static void BlockSpotsFillSubWindowsOfTheirLength()
        {
            // S spots (every D-th frame) fill a sub-window: a block of D * 2S frames fills exactly two.
            LevelMeter m = At48k();
            byte[] b = new byte[D * 2 * S * 6];
            FakeAudioInput.PutSample(b, 0, 8000);                     // spot 0: sub-window 0
            FakeAudioInput.PutSample(b, D * S * 6, 600);               // spot S: sub-window 1
            FakeAudioInput.PutSample(b, D * (2 * S - 1) * 6, 500);     // spot 2S - 1: the last of sub-window 1
            m.OfferBlock(b, 0, D * 2 * S, 0);
            Assert.AreEqual(600 / FullScale, m.RecentPeakFraction(0), "sub-window 2 is current and empty, 1 holds 600");
            Assert.AreEqual(600, m.RecentPeak(0));
            Assert.AreEqual(8000 / FullScale, m.PeakFraction(0));
        }

        [TestMethod]
        public static void ThresholdBitsFollowTheRecentPeaks()
        {
            LevelMeter m = At48k();
            m.SetThresholds(-40, -0.5);
            Assert.AreEqual(0, m.ThresholdBits);
            m.Add(LevelMeter.CountsAt(-39), 0);                    // channel 1 above SIGNAL
            Assert.AreEqual(1, m.ThresholdBits);
            m.Add(0, LevelMeter.CountsAt(-0.4));                   // channel 2 at CLIP (and above SIGNAL)
            Assert.AreEqual(1 | 4 | 8, m.ThresholdBits);
            AddMany(m, 2 * S, 0, 0);                               // two quiet sub-windows later
            Assert.AreEqual(0, m.ThresholdBits);
            m.Add(LevelMeter.CountsAt(-41), 0);                    // below SIGNAL
            Assert.AreEqual(0, m.ThresholdBits);
            m.Clear();
            Assert.AreEqual(0, m.ThresholdBits);
        }

        [TestMethod]
        public static void TonesAcrossTheBandReadTheirRmsWithinAFifthOfADecibel()
        {
            int[] tones = new int[] { 100, 440, 1000, 3000, 10000, 20000 };
            for (int t = 0; t < tones.Length; t++)
            {
                LevelMeter m = At48k();
                long frame = 0;
                for (int block = 0; block < 16; block++)
                {
                    m.OfferBlock(SineBlock(1024, frame, 0.5, tones[t], 48000, 0), 0, 1024, 0);
                    frame += 1024;
                }
                double rms = m.RmsDbfs(0);
                Assert.IsTrue(Math.Abs(rms - (-6.0206 - 3.0103)) < 0.2, tones[t].ToString() + " Hz reads " + rms.ToString() + " dBFS RMS");
            }
        }
    }
}
