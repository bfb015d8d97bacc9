// CRC-32 (IEEE 802.3 / zlib) of a byte range, computed by the platform's native code.
namespace PreampFirmware.Hal
{
    /// <summary>
    /// The CRC-32 of ITU-T V.42 and IEEE 802.3 (reflected polynomial EDB88320h, initial value and final XOR
    /// FFFFFFFFh; "123456789" gives CBF43926h), computed natively: System.IO.Hashing on the ESP32 (the ROM's
    /// routine), the .NET implementation on a PC. Streaming stamps every block with it, so no managed code loops
    /// over the samples.
    /// </summary>
    public interface ICrc32
    {
        /// <summary>CRC-32 of <paramref name="count"/> bytes (1 … 32 767) of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        uint Compute(byte[] data, int offset, int count);
    }
}
