// Versioned, checked records on flash in two slots, so a power cut during a write leaves the old record or the new one.
using System;
using PreampFirmware.Hal;

namespace PreampFirmware.Storage
{
    /*
     * Record file (little-endian), one per slot: <name>.a and <name>.b
     *
     *   off size
     *    0   4  tag, four ASCII letters ("PSET" settings, "PRE1".."PRE8" presets, "CALI" calibration)
     *    4   2  version of the payload layout
     *    6   2  payload length n
     *    8   4  sequence number (the newer slot has the larger one, compared with wrap-around)
     *   12   n  payload
     * 12+n   2  CRC-16-CCITT of bytes 0 .. 11+n
     *
     * A write goes to the slot that does not hold the newest valid record. If power fails during it, that slot is
     * torn (its CRC fails) and the other still holds the previous record; if it completes, it is the newest.
     */

    /// <summary>Two-slot record storage on an <see cref="IFileStore"/>.</summary>
    public sealed class RecordStore
    {
        /// <summary>Bytes before the payload.</summary>
        public const int HeaderBytes = 12;
        /// <summary>Largest payload accepted.</summary>
        public const int MaxPayload = 4096;

        /// <summary>Load result: a valid record was found.</summary>
        public const int Loaded = 0;
        /// <summary>Load result: neither slot exists (factory state).</summary>
        public const int Empty = 1;
        /// <summary>Load result: slots exist but none is valid for this tag and version.</summary>
        public const int Invalid = 2;

        private readonly IFileStore _store;

        /// <summary>Records on <paramref name="store"/>.</summary>
        public RecordStore(IFileStore store)
        {
            _store = store;
        }

        /// <summary>Builds a record image (pure).</summary>
        public static byte[] Encode(string tag, int version, uint sequence, byte[] payload, int length)
        {
            byte[] b = new byte[HeaderBytes + length + 2];
            for (int i = 0; i < 4; i++)
            {
                b[i] = (byte)tag[i];
            }
            b[4] = (byte)version;
            b[5] = (byte)(version >> 8);
            b[6] = (byte)length;
            b[7] = (byte)(length >> 8);
            b[8] = (byte)sequence;
            b[9] = (byte)(sequence >> 8);
            b[10] = (byte)(sequence >> 16);
            b[11] = (byte)(sequence >> 24);
            Array.Copy(payload, 0, b, HeaderBytes, length);
            ushort crc = Crc16Ccitt.Compute(b, 0, HeaderBytes + length);
            b[HeaderBytes + length] = (byte)crc;
            b[HeaderBytes + length + 1] = (byte)(crc >> 8);
            return b;
        }

        /// <summary>True when <paramref name="b"/> is a complete, intact record of this tag and version (pure).</summary>
        public static bool IsValid(byte[] b, string tag, int version)
        {
            if (b == null || b.Length < HeaderBytes + 2)
            {
                return false;
            }
            for (int i = 0; i < 4; i++)
            {
                if (b[i] != (byte)tag[i]) return false;
            }
            int v = b[4] | (b[5] << 8);
            int n = b[6] | (b[7] << 8);
            if (v != version || n > MaxPayload || b.Length != HeaderBytes + n + 2)
            {
                return false;
            }
            ushort crc = Crc16Ccitt.Compute(b, 0, HeaderBytes + n);
            return b[HeaderBytes + n] == (byte)crc && b[HeaderBytes + n + 1] == (byte)(crc >> 8);
        }

        private static uint Sequence(byte[] b)
        {
            return (uint)(b[8] | (b[9] << 8) | (b[10] << 16) | (b[11] << 24));
        }

        /// <summary>
        /// Loads the newest valid record of <paramref name="name"/>; returns <see cref="Loaded"/>, <see cref="Empty"/>
        /// or <see cref="Invalid"/>. <paramref name="payload"/> is null unless loaded.
        /// </summary>
        public int Load(string name, string tag, int version, out byte[] payload)
        {
            payload = null;
            byte[] a;
            byte[] b;
            try
            {
                a = _store.ReadAll(name + ".a");
                b = _store.ReadAll(name + ".b");
            }
            catch (Exception)
            {
                return Invalid;
            }
            byte[] best = Newest(a, b, tag, version);
            if (best == null)
            {
                return a == null && b == null ? Empty : Invalid;
            }
            int n = best[6] | (best[7] << 8);
            payload = new byte[n];
            Array.Copy(best, HeaderBytes, payload, 0, n);
            return Loaded;
        }

        private static byte[] Newest(byte[] a, byte[] b, string tag, int version)
        {
            bool va = IsValid(a, tag, version);
            bool vb = IsValid(b, tag, version);
            if (va && vb)
            {
                // Newer by serial-number arithmetic, so the counter may wrap.
                return (int)(Sequence(b) - Sequence(a)) > 0 ? b : a;
            }
            return va ? a : (vb ? b : null);
        }

        /// <summary>
        /// Writes a new record into the slot not holding the newest valid one. Returns null on success, else why it
        /// failed (the previous record is then still the newest valid one).
        /// </summary>
        public string Save(string name, string tag, int version, byte[] payload, int length)
        {
            byte[] a;
            byte[] b;
            try
            {
                a = _store.ReadAll(name + ".a");
                b = _store.ReadAll(name + ".b");
            }
            catch (Exception e)
            {
                return "reading " + name + " failed: " + e.Message;
            }
            byte[] newest = Newest(a, b, tag, version);
            uint sequence = newest == null ? 1 : Sequence(newest) + 1;
            string slot = newest != null && newest == a ? ".b" : ".a";
            byte[] image = Encode(tag, version, sequence, payload, length);
            try
            {
                _store.WriteAll(name + slot, image, image.Length);
            }
            catch (Exception e)
            {
                return "writing " + name + slot + " failed: " + e.Message;
            }
            byte[] check;
            try
            {
                check = _store.ReadAll(name + slot);
            }
            catch (Exception e)
            {
                return "reading back " + name + slot + " failed: " + e.Message;
            }
            if (!IsValid(check, tag, version) || Sequence(check) != sequence)
            {
                return "writing " + name + slot + " did not verify";
            }
            return null;
        }

        /// <summary>Removes both slots.</summary>
        public string Erase(string name)
        {
            try
            {
                _store.Delete(name + ".a");
                _store.Delete(name + ".b");
                return null;
            }
            catch (Exception e)
            {
                return "erasing " + name + " failed: " + e.Message;
            }
        }
    }
}
