// The native CRC-32 of the simulated board: .NET's System.IO.Hashing, as the ESP32 uses its ROM's CRC-32.
using System;
using System.IO.Hashing;
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>CRC-32 (IEEE 802.3) computed by .NET's own implementation, with the native call's limits checked.</summary>
public sealed class SimCrc32 : ICrc32
{
    /// <summary>Largest range nanoFramework's native Crc32 handles (its length is read into an int16).</summary>
    public const int MaxBytes = 32767;

    /// <summary>Calls so far.</summary>
    public long Calls { get; private set; }

    /// <inheritdoc />
    public uint Compute(byte[] data, int offset, int count)
    {
        if (count <= 0 || count > MaxBytes || offset > MaxBytes)
        {
            // On the ESP32 an empty range returns FFFFFFFFh and a longer one wraps: both would be silent errors there.
            throw new ArgumentOutOfRangeException(nameof(count), "the native CRC-32 takes 1..32767 bytes at offsets below 32768, got " + count + " at " + offset);
        }
        Calls++;
        return Crc32.HashToUInt32(new ReadOnlySpan<byte>(data, offset, count));
    }
}
