// One SPI device: a bus with its mode and clock, and the chip select this channel owns.
namespace PreampFirmware.Hal
{
    /// <summary>
    /// A full-duplex SPI device. The channel owns its chip select: it asserts CS before the first
    /// clock of <see cref="Transfer"/> and releases it after the last, so one call is one CS frame.
    /// The clock is fixed when the channel is created; the mode is too, until <see cref="Reopen"/> changes it.
    /// </summary>
    public interface ISpiChannel
    {
        /// <summary>
        /// Clocks <paramref name="count"/> bytes out of <paramref name="tx"/> (from <paramref name="txOffset"/>)
        /// while clocking the same number in to <paramref name="rx"/> (from <paramref name="rxOffset"/>),
        /// inside one chip-select frame. <paramref name="rx"/> may be null for a write-only frame.
        /// </summary>
        void Transfer(byte[] tx, int txOffset, byte[] rx, int rxOffset, int count);

        /// <summary>SPI mode the channel clocks in now: 0 (CPOL 0, CPHA 0) or 1 (CPOL 0, CPHA 1).</summary>
        int Mode { get; }

        /// <summary>
        /// Closes the device and opens it again in SPI mode <paramref name="mode"/> (0 or 1). Opening may clock bytes with
        /// CS asserted, as opening it at start-up did (nanoFramework clocks two): the part must take them harmlessly.
        /// </summary>
        void Reopen(int mode);
    }
}
