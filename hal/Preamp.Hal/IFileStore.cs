// A small-file store (the LittleFS "I:" drive on the board, a flash model in the simulator).
namespace PreampFirmware.Hal
{
    /// <summary>
    /// Small named files on internal flash. A write interrupted by a power cut may leave that file torn;
    /// callers that need atomic updates keep two slots with a sequence number and a CRC.
    /// </summary>
    public interface IFileStore
    {
        /// <summary>True when a file of that name exists.</summary>
        bool Exists(string name);

        /// <summary>The whole file, or null when it does not exist.</summary>
        byte[] ReadAll(string name);

        /// <summary>Replaces the file with <paramref name="count"/> bytes of <paramref name="data"/>.</summary>
        void WriteAll(string name, byte[] data, int count);

        /// <summary>Removes the file if it exists.</summary>
        void Delete(string name);
    }
}
