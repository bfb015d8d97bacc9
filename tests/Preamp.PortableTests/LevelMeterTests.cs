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
            Assert.AreEqual(61, m.Decimation);
            m.Configure(44100);
            Assert.AreEqual(55, m.Decimation);
            m.Configure(16000);
            Assert.AreEqual(23, m.Decimation);
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
            m.OfferBlock(b, 0, 10, 0);          // frame 0 metered, the next spot is frame 61
            Assert.AreEqual(1000.0 / 8388608.0, m.PeakFraction(0));
            byte[] c = new byte[60 * 6];
            FakeAudioInput.PutSample(c, 50 * 6, 5000);   // frame 60 overall: not a spot
            m.OfferBlock(c, 0, 60, 0);
            Assert.AreEqual(1000.0 / 8388608.0, m.PeakFraction(0));
            FakeAudioInput.PutSample(c, 51 * 6, 7000);   // frame 61 overall: the next spot
            m.OfferBlock(new byte[0], 0, 0, 0);
            LevelMeter n = new LevelMeter();
            n.Configure(48000);
            n.OfferBlock(b, 0, 10, 0);
            n.OfferBlock(c, 0, 60, 0);
            Assert.AreEqual(7000.0 / 8388608.0, n.PeakFraction(0));
        }
    }
}
