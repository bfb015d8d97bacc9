// What is wrong with the board now, as a state a host can query at any time (device errors are events; this lasts).
using PreampFirmware.Health;
using PreampFirmware.Storage;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>
    /// The board's lasting conditions as bits (STATus:QUEStionable:CONDition?) and names (SYSTem:CONDition?). Each bit
    /// is read from the part that owns the state; it is set while the condition lasts and clears when it ends.
    /// </summary>
    public sealed class BoardCondition
    {
        /// <summary>The last self-test failed: the board stays in its safe state.</summary>
        public const int SelfTestFailed = 1;
        /// <summary>The PGA2500 chain does not loop back.</summary>
        public const int GainChain = 2;
        /// <summary>The converter does not run as configured.</summary>
        public const int Converter = 4;
        /// <summary>The stored calibration did not load; nominal values are in use.</summary>
        public const int Calibration = 8;
        /// <summary>The saved settings did not load; the board started from defaults.</summary>
        public const int Settings = 16;
        /// <summary>The last write to flash (the state, a preset, the calibration) failed.</summary>
        public const int Flash = 32;
        /// <summary>The sample loop fell behind during the running stream.</summary>
        public const int SampleLoop = 64;
        /// <summary>The samples arrive shifted (SHIFT: bits lost), so the board does not stream.</summary>
        public const int Framing = 128;

        private static readonly string[] NamesByBit = { "SELFTEST", "GAINCHAIN", "CONVERTER", "CALIBRATION", "SETTINGS", "FLASH", "SAMPLELOOP", "FRAMING" };

        private readonly SelfTest _selfTest;
        private readonly GainChainWatch _gainChain;
        private readonly Converter _converter;
        private readonly SettingsStore _settings;
        private readonly StreamLink _stream;

        /// <summary>The conditions read from these parts.</summary>
        public BoardCondition(SelfTest selfTest, GainChainWatch gainChain, Converter converter, SettingsStore settings, StreamLink stream)
        {
            _selfTest = selfTest;
            _gainChain = gainChain;
            _converter = converter;
            _settings = settings;
            _stream = stream;
        }

        /// <summary>The conditions present now, as bits.</summary>
        public int Bits
        {
            get
            {
                int bits = 0;
                if (_selfTest.Result != 0) bits |= SelfTestFailed;
                if (_gainChain.Fault) bits |= GainChain;
                if (_converter.Fault) bits |= Converter;
                if (_settings.CalibrationDamaged) bits |= Calibration;
                if (_settings.StateDamaged) bits |= Settings;
                if (_settings.SaveFailing) bits |= Flash;
                if (_stream.LoopFellBehind) bits |= SampleLoop;
                if (_converter.Framing.Shifted) bits |= Framing;
                return bits;
            }
        }

        /// <summary>
        /// SYSTem:CONDition?: the names of the conditions present, then the converter's control-port framing when it is not
        /// the documented one (ADCMODE1: the part answers in SPI mode 1; ADCRWMSB: it takes R/W in the address byte's MSB).
        /// Those two are names only, not questionable bits: the board works. NONE when there is nothing to name.
        /// </summary>
        public string Describe()
        {
            string names = Names(Bits);
            Drivers.Pcm1863Port port = _converter.Adc.Port;
            if (!port.Proven || port.Framing == Drivers.Pcm1863Port.Documented)
            {
                return names;
            }
            string framing = (port.Framing & Drivers.Pcm1863Port.Mode1) != 0 ? "ADCMODE1" : "";
            if ((port.Framing & Drivers.Pcm1863Port.ReadWriteMsb) != 0)
            {
                framing = framing + (framing.Length == 0 ? "" : ",") + "ADCRWMSB";
            }
            return names == "NONE" ? framing : names + "," + framing;
        }

        /// <summary>The names of the conditions in <paramref name="bits"/>, comma-separated, or NONE.</summary>
        public static string Names(int bits)
        {
            string names = "";
            for (int i = 0; i < NamesByBit.Length; i++)
            {
                if ((bits & (1 << i)) != 0)
                {
                    names = names + (names.Length == 0 ? "" : ",") + NamesByBit[i];
                }
            }
            return names.Length == 0 ? "NONE" : names;
        }
    }
}
