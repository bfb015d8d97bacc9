// ICrc32 over nanoFramework's native System.IO.Hashing.Crc32 (the ESP32 ROM's CRC-32).
using System;
using System.IO.Hashing;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>
    /// The native CRC-32. The native code reads the span's length and offset into 16-bit integers and returns
    /// FFFFFFFFh for an empty span: stream blocks are 1.6 KiB, far inside that, and never empty.
    /// </summary>
    public sealed class Esp32Crc32 : ICrc32
    {
        /// <inheritdoc />
        public uint Compute(byte[] data, int offset, int count)
        {
            return Crc32.HashToUInt32(new SpanByte(data, offset, count));
        }
    }
}
