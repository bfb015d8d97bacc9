// How the I2S receiver frames the converter's samples: classified once from quiet audio, undone for the few samples read here.
namespace PreampFirmware.Streaming
{
    /// <summary>
    /// The framing of the 24-bit samples the I2S DMA delivers, found from where the changing bits of quiet audio sit,
    /// and the correction the meter's spot samples and the host apply. Work is done once per check (at bring-up, at a
    /// stream start while no framing is decided, on DIAGnostic:ADC:FRAMing:CHECk), never per block.
    /// <para>
    /// Why the framing can be wrong ([verify] on a board; the one place this project names it): nanoFramework's ESP32 I2S
    /// native (nf-interpreter <c>targets/ESP32/_nanoCLR/System.Device.I2s/sys_dev_i2s_native_System_Device_I2s_I2sDevice.cpp</c>,
    /// <c>SetI2sConfig</c>) declares <c>i2s_config_t conf;</c> without an initialiser and never sets <c>left_align</c>,
    /// <c>big_edin</c> or <c>bit_order_msb</c> (nor, on IDF 5, <c>bits_per_chan</c>); ESP-IDF's legacy driver copies
    /// them into the S3's slot configuration (<c>i2s_legacy.c</c>, <c>i2s_config_transfer</c>:
    /// <c>left_align</c>, <c>big_endian = big_edin</c>, <c>bit_order_lsb = bit_order_msb</c>), which sets the receiver's
    /// <c>rx_big_endian</c> and <c>rx_bit_order</c>. Checked in the sources: the fields are left to the stack, and receive
    /// always uses 32-bit data in 32-bit slots (<c>get_dma_bits</c>), of which the Bit24 read keeps bytes 1 to 3
    /// (<c>i2s_frame_map</c> {5,6,7,1,2,3}). Not checkable without a board: which bytes <c>rx_big_endian</c> reverses and
    /// which bits <c>rx_bit_order</c> reverses. This firmware, the simulator (<c>hal/Preamp.Sim/SimI2s.cs</c>) and the
    /// host take them to act on the 24 data bits of the slot, so the three bytes kept are the sample's own bytes reversed
    /// (BYTESWAP) or its 24 bits reversed (BITREV), both undone bit for bit. Should a board reverse all 32 bits of the
    /// slot instead, the sample's top byte lands in the byte the Bit24 read drops: the check then finds no quiet reading
    /// and says LOUD at every start, and the fix is the same as for any wrong framing: a nanoFramework image that
    /// zero-initialises <c>conf</c>.
    /// </para>
    /// <para>
    /// SHIFT is the framing that loses bits: the receiver captures each slot one bit clock late (the PCM1863 sends
    /// left-justified data, register 0Bh FMT = 01b, into a receiver that waits I2S's one-bit delay), so the sample's MSB
    /// is lost and a zero enters at the bottom: what arrives is twice the sample, wrapped, with bit 0 never set. Nothing
    /// can restore the lost bit, so the board reports it and does not stream.
    /// </para>
    /// </summary>
    public sealed class SampleFraming
    {
        /// <summary>Samples arrive as the converter sent them.</summary>
        public const int Normal = 0;
        /// <summary>Each sample's three bytes arrive in reverse order (the host and the meter swap them back).</summary>
        public const int ByteSwap = 1;
        /// <summary>Each sample's 24 bits arrive in reverse order (the host and the meter reverse them back).</summary>
        public const int BitReverse = 2;
        /// <summary>Each sample arrives one bit clock late: its MSB lost, bit 0 always clear. Cannot be undone.</summary>
        public const int Shift = 3;
        /// <summary>The last check found the input too loud (or ambiguous) to decide.</summary>
        public const int Loud = 4;
        /// <summary>No check has decided yet (none ran, or the last one found only digital silence).</summary>
        public const int Unchecked = 5;

        /// <summary>Frames read per check, about, spread over the block (both channels: twice as many samples).</summary>
        public const int SpotFrames = 64;
        /// <summary>Samples other than 0 and -1 (which read the same in every framing) a check needs to decide.</summary>
        public const int MinActive = 16;
        /// <summary>
        /// Largest magnitude, in bits, of a quiet sample: below 2^15 counts (-48 dBFS peak), the top nine bits are the
        /// sign. Louder input is LOUD.
        /// </summary>
        public const int QuietBits = 15;
        /// <summary>Stream header flags byte: where the framing sits (b3-b4: 0 as sent, 1 byte-swapped, 2 bit-reversed).</summary>
        public const int HeaderFlagShift = 3;

        private static readonly string[] Names = { "NORMAL", "BYTESWAP", "BITREV", "SHIFT", "LOUD", "UNCHECKED" };

        /// <summary>
        /// What names the fix when samples arrive shifted (the error of a refused STReam:STARt and of the check).
        /// </summary>
        public const string ShiftFix = "I2S samples arrive one bit clock late (SHIFT): their top bit is lost and the board will not stream; "
                                       + "set the PCM1863 to I2S format (register 0Bh = 44h, FMT = 00b), or if it reads so, run a nanoFramework "
                                       + "image whose I2S native zero-initialises i2s_config_t (I2sDevice.cpp, SetI2sConfig)";

        private int _state = Unchecked;
        private int _inForce = Unchecked;   // the last decision

        /// <summary>The result of the last check (<see cref="Unchecked"/> before any).</summary>
        public int State { get { return _state; } }

        /// <summary>The state's name for DIAGnostic:ADC:FRAMing?.</summary>
        public string Name { get { return Names[_state]; } }

        /// <summary>True when the last check decided the framing (NORMAL, BYTESWAP, BITREV or SHIFT).</summary>
        public bool Decided { get { return _state <= Shift; } }

        /// <summary>
        /// The framing the last decision found (<see cref="Unchecked"/> before any): a check that cannot decide (LOUD,
        /// silence) leaves it in force, since the receiver's framing does not change while the board runs.
        /// </summary>
        public int InForce { get { return _inForce; } }

        /// <summary>True while the decision in force is <see cref="Shift"/>: bits are lost, the board does not stream.</summary>
        public bool Shifted { get { return _inForce == Shift; } }

        /// <summary>The correction in force: <see cref="ByteSwap"/>, <see cref="BitReverse"/> or <see cref="Normal"/> (none).</summary>
        public int Correction { get { return _inForce == ByteSwap || _inForce == BitReverse ? _inForce : Normal; } }

        /// <summary>The correction as the stream header's flag bits.</summary>
        public int HeaderFlags { get { return Correction << HeaderFlagShift; } }

        /// <summary>The name of framing <paramref name="framing"/>.</summary>
        public static string NameOf(int framing)
        {
            return Names[framing];
        }

        /// <summary>Takes the result of a check: the state becomes it; a decision also becomes the framing in force.</summary>
        public void Update(int found)
        {
            _state = found;
            if (found <= Shift)
            {
                _inForce = found;
            }
        }

        /// <summary>
        /// Classifies the framing from about <see cref="SpotFrames"/> frames spread over a block of <paramref name="frames"/>
        /// frames at <paramref name="offset"/> (two 24-bit little-endian samples each). Each sample is read three ways — as
        /// it came, bytes swapped back, bits reversed back — and the reading with the least energy wins: quiet audio changes
        /// in its low bits with the high bits a sign extension, a wrong reading puts changing bits higher up. The winner
        /// must be quiet (every sample within <see cref="QuietBits"/>), clearly ahead (a quarter of the next reading's
        /// energy) and also the reading whose samples need the fewest magnitude bits (so one loud click cannot carry a
        /// wrong reading), else the input is <see cref="Loud"/>. The close contest is between the right reading and the
        /// one with each byte's bits reversed in place: in simulated noise (tests/Preamp.PortableTests/SampleFramingTests.cs)
        /// the right reading has under a hundredth of its energy near the converter's floor (about 20 counts RMS), under a
        /// fifth up to about 60 counts RMS and under a thirtieth above 2^8 counts; around 2^7 counts (-96 dBFS) the two
        /// low bytes are both random and the check says LOUD rather than guess.
        /// </summary>
        public static int Classify(byte[] b, int offset, int frames)
        {
            int stride = StrideFor(frames);
            int active = 0;
            int lowOr = 0;
            long energyAsIs = 0, energySwap = 0, energyRev = 0;
            int maxAsIs = 0, maxSwap = 0, maxRev = 0;
            int bitsAsIs = 0, bitsSwap = 0, bitsRev = 0;
            for (int f = 0; f < frames; f += stride)
            {
                for (int p = offset + 6 * f; p < offset + 6 * f + 6; p += 3)
                {
                    int raw = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
                    if (raw == 0 || raw == 0xFFFFFF)
                    {
                        continue;
                    }
                    active++;
                    lowOr |= raw;
                    int s = (raw << 8) >> 8;
                    energyAsIs += (long)s * s;
                    s ^= s >> 31;   // the magnitude bits alone: -1 - s for a negative sample
                    if (s > maxAsIs) maxAsIs = s;
                    bitsAsIs += BitLength(s);
                    s = (SwapBytes(raw) << 8) >> 8;
                    energySwap += (long)s * s;
                    s ^= s >> 31;
                    if (s > maxSwap) maxSwap = s;
                    bitsSwap += BitLength(s);
                    s = (ReverseBits(raw) << 8) >> 8;
                    energyRev += (long)s * s;
                    s ^= s >> 31;
                    if (s > maxRev) maxRev = s;
                    bitsRev += BitLength(s);
                }
            }
            if (active < MinActive)
            {
                return Unchecked;
            }
            int best = Normal;
            long bestEnergy = energyAsIs, second = energySwap < energyRev ? energySwap : energyRev;
            int bestMax = maxAsIs;
            if (energySwap < bestEnergy && energySwap <= energyRev)
            {
                best = ByteSwap; bestEnergy = energySwap; bestMax = maxSwap; second = energyAsIs < energyRev ? energyAsIs : energyRev;
            }
            else if (energyRev < bestEnergy && energyRev < energySwap)
            {
                best = BitReverse; bestEnergy = energyRev; bestMax = maxRev; second = energyAsIs < energySwap ? energyAsIs : energySwap;
            }
            int bestBits = best == Normal ? bitsAsIs : best == ByteSwap ? bitsSwap : bitsRev;
            bool fewestBits = (best == Normal || bestBits < bitsAsIs) && (best == ByteSwap || bestBits < bitsSwap) && (best == BitReverse || bestBits < bitsRev);
            if (bestMax >= 1 << QuietBits || second < 4 * bestEnergy || !fewestBits)
            {
                return Loud;
            }
            return best == Normal && (lowOr & 1) == 0 ? Shift : best;
        }

        /// <summary>Bits of a non-negative value below 2^23: 0 for 0, 23 for 2^23 - 1.</summary>
        public static int BitLength(int x)
        {
            int n = 0;
            if (x >= 1 << 12) { n += 12; x >>= 12; }
            if (x >= 1 << 6) { n += 6; x >>= 6; }
            if (x >= 1 << 3) { n += 3; x >>= 3; }
            if (x >= 4) { n += 2; x >>= 2; }
            if (x >= 2) { n += 1; x >>= 1; }
            return n + x;
        }

        /// <summary>
        /// Frames between two frames a check reads in a block of <paramref name="frames"/>: about
        /// <see cref="SpotFrames"/> of them, odd so that the spot frames share no factor with a pattern of even period.
        /// </summary>
        public static int StrideFor(int frames)
        {
            return (frames / SpotFrames) | 1;
        }

        /// <summary>
        /// The sample <paramref name="raw"/> (24 bits as they arrived) with <paramref name="correction"/> undone,
        /// sign-extended.
        /// </summary>
        public static int Undo(int raw, int correction)
        {
            int v = correction == ByteSwap ? SwapBytes(raw) : correction == BitReverse ? ReverseBits(raw) : raw;
            return (v << 8) >> 8;
        }

        /// <summary>The three bytes of a 24-bit value in reverse order (its own inverse).</summary>
        public static int SwapBytes(int v)
        {
            return ((v & 0xFF) << 16) | (v & 0xFF00) | ((v >> 16) & 0xFF);
        }

        /// <summary>The 24 bits of a value in reverse order (its own inverse): bits swapped in pairs, pairs, nibbles, then bytes.</summary>
        public static int ReverseBits(int v)
        {
            v = ((v >> 1) & 0x555555) | ((v & 0x555555) << 1);
            v = ((v >> 2) & 0x333333) | ((v & 0x333333) << 2);
            v = ((v >> 4) & 0x0F0F0F) | ((v & 0x0F0F0F) << 4);
            return SwapBytes(v);
        }
    }
}
