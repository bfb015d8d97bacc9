// The layout of the saved state and of presets: what a power cycle or *RCL brings back.
namespace PreampFirmware.Control
{
    /// <summary>
    /// Encodes and decodes the persisted settings (pure). Payload, version 1:
    /// byte 0 flags (b0 link, b1 calibration lock), byte 1 selected channel (0-based), then per channel 4 bytes:
    /// gain dB, bits (b0 pad, b1 polarity, b2 mute, b3 phantom, b4 phantom lock), two reserved zeros.
    /// </summary>
    public static class ChannelSettings
    {
        /// <summary>Payload layout version.</summary>
        public const int Version = 1;
        /// <summary>Payload bytes.</summary>
        public const int PayloadBytes = 2 + 4 * 2;
        /// <summary>Record tag of the last state.</summary>
        public const string StateTag = "PSET";
        /// <summary>File name of the last state.</summary>
        public const string StateFile = "state";

        /// <summary>Record tag of preset <paramref name="n"/> (1..8).</summary>
        public static string PresetTag(int n) { return "PRE" + n.ToString(); }

        /// <summary>File name of preset <paramref name="n"/>.</summary>
        public static string PresetFile(int n) { return "preset" + n.ToString(); }

        /// <summary>Fills <paramref name="payload"/> from the channels.</summary>
        public static void Encode(InputChannel[] channels, bool linked, bool calibrationLock, int selected, byte[] payload)
        {
            payload[0] = (byte)((linked ? 1 : 0) | (calibrationLock ? 2 : 0));
            payload[1] = (byte)selected;
            for (int ch = 0; ch < 2; ch++)
            {
                InputChannel c = channels[ch];
                int at = 2 + 4 * ch;
                payload[at] = (byte)c.GainDb;
                int bits = 0;
                if (c.Pad) bits |= 1;
                if (c.Polarity) bits |= 2;
                if (c.Mute) bits |= 4;
                if (c.Phantom && !c.PhantomLeased) bits |= 8;   // a bench test's phantom is never brought back
                if (c.PhantomLock) bits |= 16;
                payload[at + 1] = (byte)bits;
                payload[at + 2] = 0;
                payload[at + 3] = 0;
            }
        }

        /// <summary>True when a payload holds settings the board can take (gains valid, channel 0 or 1).</summary>
        public static bool IsPlausible(byte[] payload)
        {
            if (payload == null || payload.Length != PayloadBytes || payload[1] > 1 || payload[0] > 3)
            {
                return false;
            }
            for (int ch = 0; ch < 2; ch++)
            {
                if (!Drivers.Pga2500Chain.IsValidGain(payload[2 + 4 * ch]) || payload[3 + 4 * ch] > 31)
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>Gain of a channel in a payload.</summary>
        public static int Gain(byte[] p, int ch) { return p[2 + 4 * ch]; }
        /// <summary>Pad of a channel in a payload.</summary>
        public static bool Pad(byte[] p, int ch) { return (p[3 + 4 * ch] & 1) != 0; }
        /// <summary>Polarity of a channel in a payload.</summary>
        public static bool Polarity(byte[] p, int ch) { return (p[3 + 4 * ch] & 2) != 0; }
        /// <summary>Mute of a channel in a payload.</summary>
        public static bool Mute(byte[] p, int ch) { return (p[3 + 4 * ch] & 4) != 0; }
        /// <summary>Phantom of a channel in a payload.</summary>
        public static bool Phantom(byte[] p, int ch) { return (p[3 + 4 * ch] & 8) != 0; }
        /// <summary>Phantom lock of a channel in a payload.</summary>
        public static bool Lock(byte[] p, int ch) { return (p[3 + 4 * ch] & 16) != 0; }
        /// <summary>Link flag in a payload.</summary>
        public static bool Linked(byte[] p) { return (p[0] & 1) != 0; }
        /// <summary>Calibration lock flag in a payload.</summary>
        public static bool CalibrationLock(byte[] p) { return (p[0] & 2) != 0; }

        /// <summary>Selected channel in a payload.</summary>
        public static int Selected(byte[] p) { return p[1]; }
    }
}
