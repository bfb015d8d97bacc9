// The PCM1863 control-port framing that answered last, kept on flash so the next bring-up tries it first.
using PreampFirmware.Hal;

namespace PreampFirmware.Storage
{
    /*
     * Record "APRT" version 1 in the two-slot files adcport.a / adcport.b (RecordStore), payload one byte: the framing
     * (bit 0 SPI mode 1, bit 1 R/W in the MSB of the address byte; Drivers/Pcm1863Port). A record that is missing,
     * damaged or holds another value is no framing: the search starts from the documented one, as on a new board.
     */

    /// <summary>The remembered control-port framing of the converter.</summary>
    public sealed class AdcPortRecord
    {
        /// <summary>Record file name (two slots).</summary>
        public const string FileName = "adcport";
        /// <summary>Record tag.</summary>
        public const string Tag = "APRT";
        /// <summary>Payload layout version.</summary>
        public const int Version = 1;
        /// <summary>No framing remembered.</summary>
        public const int None = -1;

        private readonly RecordStore _records;
        private readonly byte[] _payload = new byte[1];
        private int _stored = None;

        /// <summary>The record on <paramref name="files"/>.</summary>
        public AdcPortRecord(IFileStore files)
        {
            _records = new RecordStore(files);
        }

        /// <summary>The framing stored (0..3), or <see cref="None"/> when there is none or it does not load.</summary>
        public int Load()
        {
            byte[] payload;
            _stored = None;
            if (_records.Load(FileName, Tag, Version, out payload) == RecordStore.Loaded && payload.Length == 1 && payload[0] <= 3)
            {
                _stored = payload[0];
            }
            return _stored;
        }

        /// <summary>Keeps <paramref name="framing"/> when it is not what is stored already (one write per change, not per boot).</summary>
        public void Keep(int framing)
        {
            if (framing == _stored || framing < 0 || framing > 3)
            {
                return;
            }
            _payload[0] = (byte)framing;
            if (_records.Save(FileName, Tag, Version, _payload, 1) == null)
            {
                _stored = framing;
            }
        }
    }
}
