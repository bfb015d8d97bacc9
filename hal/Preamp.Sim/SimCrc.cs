// CRC-16-CCITT for the simulated ADC, table-driven and written independently of the firmware's.
namespace PreampFirmware.Sim;

/// <summary>CRC-16-CCITT (x^16 + x^12 + x^5 + 1, seed FFFFh), as the ADS131M02 datasheet defines it.</summary>
public static class SimCrc
{
    private static readonly ushort[] s_table = Build();

    private static ushort[] Build()
    {
        var t = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            int c = i << 8;
            for (int b = 0; b < 8; b++) c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            t[i] = (ushort)c;
        }
        return t;
    }

    /// <summary>CRC over a byte range, from the seed FFFFh.</summary>
    public static ushort Ccitt(byte[] data, int offset, int count)
    {
        ushort crc = 0xFFFF;
        for (int i = 0; i < count; i++) crc = (ushort)((crc << 8) ^ s_table[(crc >> 8) ^ data[offset + i]]);
        return crc;
    }
}
