// The sample-framing classifier: each framing of quiet audio found, loud and silent input left undecided, the boundaries.
using nanoFramework.TestFramework;
using PreampFirmware.Hal;
using PreampFirmware.Streaming;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class SampleFramingTests
    {
        private const int Offset = 46;
        private const int Frames = 1024;

        /// <summary>Deterministic noise of about <paramref name="amplitude"/> counts RMS (a sum of four uniform values).</summary>
        private static int[] Noise(int count, int amplitude, uint seed)
        {
            int[] v = new int[count];
            uint x = seed;
            for (int i = 0; i < count; i++)
            {
                int sum = 0;
                for (int k = 0; k < 4; k++)
                {
                    x = x * 1103515245 + 12345;
                    sum += (int)((x >> 8) % (uint)(2 * amplitude + 1)) - amplitude;
                }
                v[i] = sum / 2;
            }
            return v;
        }

        /// <summary>
        /// The bytes the firmware reads for these samples (channel 1, channel 2 alternating) when the receiver frames
        /// them as <paramref name="framing"/>: worked out here with literal bit operations, not with the classifier's own.
        /// </summary>
        private static byte[] Block(int[] samples, int framing)
        {
            byte[] b = new byte[Offset + Frames * AudioFrame.Bytes];
            for (int i = 0; i < samples.Length && i < 2 * Frames; i++)
            {
                int v = samples[i] & 0xFFFFFF;
                int at = Offset + 3 * i;
                if (framing == SampleFraming.ByteSwap)
                {
                    b[at] = (byte)(v >> 16);
                    b[at + 1] = (byte)(v >> 8);
                    b[at + 2] = (byte)v;
                    continue;
                }
                if (framing == SampleFraming.BitReverse)
                {
                    int r = 0;
                    for (int k = 0; k < 24; k++)
                    {
                        if ((v & (1 << k)) != 0) r |= 1 << (23 - k);
                    }
                    v = r;
                }
                else if (framing == SampleFraming.Shift)
                {
                    v = (v << 1) & 0xFFFFFF;   // one bit clock late: the MSB lost, a zero in at the bottom
                }
                b[at] = (byte)v;
                b[at + 1] = (byte)(v >> 8);
                b[at + 2] = (byte)(v >> 16);
            }
            return b;
        }

        private static int Classify(int[] samples, int framing)
        {
            return SampleFraming.Classify(Block(samples, framing), Offset, Frames);
        }

        [TestMethod]
        public static void EachFramingOfQuietAudioIsFound()
        {
            int[] amplitudes = new int[] { 3, 20, 60, 2000, 9000 };   // the converter's own floor (-113 dBFS) to about -60 dBFS
            for (int a = 0; a < amplitudes.Length; a++)
            {
                for (int framing = SampleFraming.Normal; framing <= SampleFraming.Shift; framing++)
                {
                    int[] noise = Noise(2 * Frames, amplitudes[a], (uint)(17 + a));
                    if (framing == SampleFraming.Shift)
                    {
                        for (int i = 0; i < noise.Length; i++) noise[i] /= 2;   // twice the sample must still be quiet
                    }
                    Assert.AreEqual(SampleFraming.NameOf(framing), SampleFraming.NameOf(Classify(noise, framing)),
                                    "noise of " + amplitudes[a].ToString() + " counts");
                }
            }
        }

        [TestMethod]
        public static void LoudInputIsLoudInEveryFraming()
        {
            int[] tone = new int[2 * Frames];
            for (int i = 0; i < tone.Length; i++)
            {
                tone[i] = (int)(838860.0 * System.Math.Sin(2 * System.Math.PI * (i / 2) / 48.0));   // 1 kHz at -20 dBFS
            }
            for (int framing = SampleFraming.Normal; framing <= SampleFraming.Shift; framing++)
            {
                Assert.AreEqual("LOUD", SampleFraming.NameOf(Classify(tone, framing)));
            }
        }

        [TestMethod]
        public static void NoiseWhoseLowByteIsAllRandomCannotTellTheByteFromTheBitOrder()
        {
            int[] noise = Noise(2 * Frames, 200, 9);   // about 130 counts RMS: right and byte-wise reversed readings look alike
            Assert.AreEqual("LOUD", SampleFraming.NameOf(Classify(noise, SampleFraming.ByteSwap)));
            Assert.AreEqual("LOUD", SampleFraming.NameOf(Classify(noise, SampleFraming.BitReverse)));
        }

        [TestMethod]
        public static void OneLoudClickDoesNotCarryAWrongReading()
        {
            int[] noise = Noise(2 * Frames, 20, 5);
            noise[0] = -(1 << 15) - 1;          // loud in the right reading, small with each byte's bits reversed
            Assert.AreEqual("LOUD", SampleFraming.NameOf(Classify(noise, SampleFraming.ByteSwap)));
            Assert.AreEqual("LOUD", SampleFraming.NameOf(Classify(noise, SampleFraming.BitReverse)));
        }

        [TestMethod]
        public static void OneSampleOverTheQuietLimitMakesTheCheckLoud()
        {
            int[] noise = Noise(2 * Frames, 20, 5);
            noise[0] = (1 << 15) - 1;           // frame 0, channel 1: a spot sample
            Assert.AreEqual("NORMAL", SampleFraming.NameOf(Classify(noise, SampleFraming.Normal)));
            noise[0] = -(1 << 15);
            Assert.AreEqual("NORMAL", SampleFraming.NameOf(Classify(noise, SampleFraming.Normal)));
            noise[0] = 1 << 15;
            Assert.AreEqual("LOUD", SampleFraming.NameOf(Classify(noise, SampleFraming.Normal)));
            noise[0] = -(1 << 15) - 1;
            Assert.AreEqual("LOUD", SampleFraming.NameOf(Classify(noise, SampleFraming.Normal)));
        }

        [TestMethod]
        public static void SilenceDecidesNothingAndSoFewActiveSamplesDoNot()
        {
            int[] silence = new int[2 * Frames];
            Assert.AreEqual("UNCHECKED", SampleFraming.NameOf(Classify(silence, SampleFraming.Normal)));
            for (int i = 0; i < silence.Length; i++) silence[i] = (i & 1) == 0 ? 0 : -1;   // 0 and -1 read the same in every framing
            Assert.AreEqual("UNCHECKED", SampleFraming.NameOf(Classify(silence, SampleFraming.ByteSwap)));
            int stride = SampleFraming.StrideFor(Frames);
            int[] few = new int[2 * Frames];
            for (int k = 0; k < SampleFraming.MinActive - 1; k++) few[2 * stride * k] = (k % 2 == 0 ? 1 : -1) * (3 + k * 5);
            Assert.AreEqual("UNCHECKED", SampleFraming.NameOf(Classify(few, SampleFraming.ByteSwap)));
            few[2 * stride * (SampleFraming.MinActive - 1)] = 77;   // one more spot sample that is not 0 or -1
            Assert.AreEqual("BYTESWAP", SampleFraming.NameOf(Classify(few, SampleFraming.ByteSwap)));
        }

        [TestMethod]
        public static void AShiftIsTheBottomBitThatNeverChanges()
        {
            int[] even = Noise(2 * Frames, 20, 9);
            for (int i = 0; i < even.Length; i++) even[i] &= ~1;
            Assert.AreEqual("SHIFT", SampleFraming.NameOf(Classify(even, SampleFraming.Normal)));
            even[2 * SampleFraming.StrideFor(Frames) * 5 + 1] |= 1;   // one odd spot sample: the bottom bit lives
            Assert.AreEqual("NORMAL", SampleFraming.NameOf(Classify(even, SampleFraming.Normal)));
        }

        [TestMethod]
        public static void TheCorrectionsUndoTheFramingsBitForBit()
        {
            Assert.AreEqual(0x563412, SampleFraming.SwapBytes(0x123456));
            Assert.AreEqual(0x6A2C48, SampleFraming.ReverseBits(0x123456));
            Assert.AreEqual(0x000001, SampleFraming.ReverseBits(0x800000));
            Assert.AreEqual(0x7FFFFF, SampleFraming.ReverseBits(0xFFFFFE));
            int[] values = new int[] { 0, -1, 1, -2, 8388607, -8388608, 0x123456, -0x123456, 77, -300 };
            for (int i = 0; i < values.Length; i++)
            {
                byte[] swapped = Block(new int[] { values[i] }, SampleFraming.ByteSwap);
                byte[] reversed = Block(new int[] { values[i] }, SampleFraming.BitReverse);
                int s = swapped[Offset] | (swapped[Offset + 1] << 8) | (swapped[Offset + 2] << 16);
                int r = reversed[Offset] | (reversed[Offset + 1] << 8) | (reversed[Offset + 2] << 16);
                Assert.AreEqual(values[i], SampleFraming.Undo(s, SampleFraming.ByteSwap));
                Assert.AreEqual(values[i], SampleFraming.Undo(r, SampleFraming.BitReverse));
                Assert.AreEqual(values[i], SampleFraming.Undo(values[i] & 0xFFFFFF, SampleFraming.Normal));
            }
        }

        [TestMethod]
        public static void AnUndecidedCheckKeepsTheCorrectionInForce()
        {
            SampleFraming f = new SampleFraming();
            Assert.AreEqual("UNCHECKED", f.Name);
            Assert.IsFalse(f.Decided);
            f.Update(SampleFraming.ByteSwap);
            Assert.AreEqual(SampleFraming.ByteSwap << 3, f.HeaderFlags);
            f.Update(SampleFraming.Loud);
            Assert.AreEqual("LOUD", f.Name);
            Assert.IsFalse(f.Decided);
            Assert.AreEqual(SampleFraming.ByteSwap, f.Correction);      // the hardware did not change: still undone
            f.Update(SampleFraming.BitReverse);
            Assert.AreEqual(0x10, f.HeaderFlags);
            f.Update(SampleFraming.Shift);
            Assert.IsTrue(f.Decided);
            Assert.IsTrue(f.Shifted);
            Assert.AreEqual(0, f.HeaderFlags);                          // nothing to undo: the bits are lost
            f.Update(SampleFraming.Loud);
            Assert.IsTrue(f.Shifted, "an undecided check does not lift SHIFT");
            f.Update(SampleFraming.Unchecked);
            Assert.AreEqual("UNCHECKED", f.Name);
            Assert.AreEqual(SampleFraming.Shift, f.InForce);
            f.Update(SampleFraming.Normal);
            Assert.AreEqual("NORMAL", f.Name);
            Assert.IsFalse(f.Shifted);
        }

        [TestMethod]
        public static void TheMeterReadsAWronglyFramedBlockAsTheRightOne()
        {
            int[] tone = new int[2 * Frames];
            for (int i = 0; i < tone.Length; i++)
            {
                tone[i] = (int)(((i & 1) == 0 ? 2000000.0 : -90000.0) * System.Math.Sin(2 * System.Math.PI * (i / 2) / 48.0));
            }
            for (int framing = SampleFraming.ByteSwap; framing <= SampleFraming.BitReverse; framing++)
            {
                LevelMeter plain = new LevelMeter();
                LevelMeter corrected = new LevelMeter();
                plain.Configure(48000);
                corrected.Configure(48000);
                corrected.Correction = framing;
                byte[] right = Block(tone, SampleFraming.Normal);
                byte[] wrong = Block(tone, framing);
                for (int k = 0; k < 20; k++)
                {
                    plain.OfferBlock(right, Offset, Frames, 0);
                    corrected.OfferBlock(wrong, Offset, Frames, 0);
                }
                for (int ch = 0; ch < 2; ch++)
                {
                    Assert.AreEqual(plain.PeakDbfs(ch), corrected.PeakDbfs(ch));
                    Assert.AreEqual(plain.RmsDbfs(ch), corrected.RmsDbfs(ch));
                    Assert.AreEqual(plain.RecentPeak(ch), corrected.RecentPeak(ch));
                }
                Assert.IsTrue(plain.PeakDbfs(0) > -13 && plain.PeakDbfs(0) < -12, "the tone's peak");
            }
        }
    }
}
