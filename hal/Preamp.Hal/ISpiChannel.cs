// One SPI device: a bus with its mode and clock, and the chip select this channel owns.
namespace PreampFirmware.Hal
{
    /// <summary>
    /// A full-duplex SPI device. The channel owns its chip select: it asserts CS before the first
    /// clock of <see cref="Transfer"/> and releases it after the last, so one call is one CS frame.
    /// Mode and clock are fixed when the channel is created.
    /// </summary>
    public interface ISpiChannel
    {
        /// <summary>
        /// Clocks <paramref name="count"/> bytes out of <paramref name="tx"/> (from <paramref name="txOffset"/>)
        /// while clocking the same number in to <paramref name="rx"/> (from <paramref name="rxOffset"/>),
        /// inside one chip-select frame. <paramref name="rx"/> may be null for a write-only frame.
        /// </summary>
        void Transfer(byte[] tx, int txOffset, byte[] rx, int rxOffset, int count);
    }
}
