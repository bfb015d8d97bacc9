// CRC-16-CCITT: polynomial x^16 + x^12 + x^5 + 1, seed 0xFFFF, MSB first, no final XOR.
namespace PreampFirmware.Storage
{
    /// <summary>
    /// CRC-16-CCITT (0x1021, seed 0xFFFF, unreflected, no output XOR; "CRC-16/CCITT-FALSE"). Check value of "123456789"
    /// is 0x29B1. Guards every flash record (<see cref="RecordStore"/>): a torn or damaged record fails it.
    /// </summary>
    public static class Crc16Ccitt
    {
        /// <summary>The seed every computation starts with.</summary>
        public const ushort Seed = 0xFFFF;

        /// <summary>CRC of <paramref name="count"/> bytes from <paramref name="offset"/>, continuing from <paramref name="crc"/>.</summary>
        public static ushort Compute(byte[] data, int offset, int count, ushort crc)
        {
            // Table-driven: one lookup per byte instead of eight shifts (the interpreter runs each IL op).
            ushort[] table = s_table;
            int c = crc;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                c = ((c << 8) ^ table[((c >> 8) ^ data[i]) & 0xFF]) & 0xFFFF;
            }
            return (ushort)c;
        }

        private static readonly ushort[] s_table = BuildTable();

        private static ushort[] BuildTable()
        {
            ushort[] t = new ushort[256];
            for (int i = 0; i < 256; i++)
            {
                int c = i << 8;
                for (int bit = 0; bit < 8; bit++)
                {
                    c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
                }
                t[i] = (ushort)(c & 0xFFFF);
            }
            return t;
        }

        /// <summary>CRC of <paramref name="count"/> bytes from <paramref name="offset"/>, from the seed.</summary>
        public static ushort Compute(byte[] data, int offset, int count)
        {
            return Compute(data, offset, count, Seed);
        }
    }
}
