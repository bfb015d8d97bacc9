// IFileStore on the internal flash "I:" drive (LittleFS).
using System.IO;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>
    /// Files in the root of the I: drive. LittleFS is copy-on-write, but a replaced file is only safe once closed;
    /// the firmware's two-slot records do not rely on it.
    /// </summary>
    public sealed class LittleFsFileStore : IFileStore
    {
        private const string Root = "I:\\";

        /// <inheritdoc />
        public bool Exists(string name)
        {
            return File.Exists(Root + name);
        }

        /// <inheritdoc />
        public byte[] ReadAll(string name)
        {
            string path = Root + name;
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }

        /// <inheritdoc />
        public void WriteAll(string name, byte[] data, int count)
        {
            using (FileStream stream = File.Open(Root + name, FileMode.Create))
            {
                stream.Write(data, 0, count);
                stream.Flush();
            }
        }

        /// <inheritdoc />
        public void Delete(string name)
        {
            string path = Root + name;
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }
}
