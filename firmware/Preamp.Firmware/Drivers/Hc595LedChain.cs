// Driver for the front panel's six 74HC595 shift registers: two 16-LED gain rings and the status LEDs.
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /*
     * Wire frame — 74HC595 (TI SCLS041): data shifts in on SRCLK rising; RCLK rising copies the shift register
     * to the outputs. Rev A ties RCLK to the chain's chip select on SPI bus 1 (mode 0, like the PGA2500), so
     * outputs change only when CS rises: no flicker while shifting. /OE is tied low, /SRCLR high.
     *
     *   CS/RCLK ‾‾\__________________________________________________/‾‾  <- outputs update
     *   MOSI       [ U6 ][ U5 ][ U4 ][ U3 ][ U2 ][ U1 ]   48 bits, each byte MSB (QH) first
     *
     *   MOSI -> U1 -> U2 -> ... -> U6: the last byte sent stays in U1.
     *   U1: ring 1, LEDs 1..8 (QA = LED 1)   U2: ring 1, LEDs 9..16
     *   U3: channel 1 status                 U4/U5: ring 2          U6: channel 2 status
     *   Status byte: QA 48V, QB PAD, QC Ø, QD SIGNAL, QE CLIP, QF SELECTED.
     */

    /// <summary>Status LED bits within a channel's status register.</summary>
    public static class StatusLed
    {
        /// <summary>48V (QA).</summary>
        public const int Phantom = 0x01;
        /// <summary>PAD (QB).</summary>
        public const int Pad = 0x02;
        /// <summary>Ø polarity (QC).</summary>
        public const int Polarity = 0x04;
        /// <summary>SIGNAL (QD).</summary>
        public const int Signal = 0x08;
        /// <summary>CLIP (QE).</summary>
        public const int Clip = 0x10;
        /// <summary>Channel selected for the knob (QF).</summary>
        public const int Selected = 0x20;
    }

    /// <summary>The LED chain; state is set per channel and the whole 48-bit frame is rebuilt on every flush.</summary>
    public sealed class Hc595LedChain
    {
        /// <summary>Registers in the chain.</summary>
        public const int Registers = 6;

        private readonly ISpiChannel _spi;
        private readonly int[] _ring = new int[2];
        private readonly int[] _status = new int[2];
        private readonly byte[] _frame = new byte[Registers];
        private bool _dirty = true;

        /// <summary>Creates the driver; call <see cref="Flush"/> to show the state.</summary>
        public Hc595LedChain(ISpiChannel spi)
        {
            _spi = spi;
        }

        /// <summary>Sets the 16 ring LEDs of a channel (bit 0 = LED 1).</summary>
        public void SetRing(int channel, int mask)
        {
            mask &= 0xFFFF;
            if (_ring[channel] != mask) { _ring[channel] = mask; _dirty = true; }
        }

        /// <summary>Sets a channel's status LEDs (<see cref="StatusLed"/> bits).</summary>
        public void SetStatus(int channel, int mask)
        {
            mask &= 0xFF;
            if (_status[channel] != mask) { _status[channel] = mask; _dirty = true; }
        }

        /// <summary>Ring LEDs of a channel as last set.</summary>
        public int Ring(int channel) { return _ring[channel]; }

        /// <summary>Status LEDs of a channel as last set.</summary>
        public int Status(int channel) { return _status[channel]; }

        /// <summary>Builds the 6-byte frame in shift order: U6 first, U1 last (pure).</summary>
        public static void EncodeFrame(int ring1, int status1, int ring2, int status2, byte[] frame)
        {
            frame[0] = (byte)status2;        // U6
            frame[1] = (byte)(ring2 >> 8);   // U5
            frame[2] = (byte)ring2;          // U4
            frame[3] = (byte)status1;        // U3
            frame[4] = (byte)(ring1 >> 8);   // U2
            frame[5] = (byte)ring1;          // U1
        }

        /// <summary>Sends the frame if anything changed (or always when <paramref name="force"/>).</summary>
        public void Flush(bool force)
        {
            if (!_dirty && !force)
            {
                return;
            }
            EncodeFrame(_ring[0], _status[0], _ring[1], _status[1], _frame);
            _spi.Transfer(_frame, 0, null, 0, Registers);
            _dirty = false;
        }

        /// <summary>Ring mask that shows a gain as a bar: 0 dB dark, 65 dB all 16 lit (pure).</summary>
        public static int GainBar(int gainDb)
        {
            if (gainDb <= 0)
            {
                return 0;
            }
            int lit = (gainDb * 16 + 32) / 65;
            if (lit < 1) lit = 1;
            if (lit > 16) lit = 16;
            return (1 << lit) - 1;
        }
    }
}
