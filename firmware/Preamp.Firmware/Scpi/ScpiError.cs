// SCPI-99 / IEEE 488.2 error numbers and their standard texts.
namespace PreampFirmware.Scpi
{
    /// <summary>Standard error codes (SCPI-99 vol. 2 §21.8).</summary>
    public static class ScpiError
    {
        /// <summary>-100 Command error.</summary>
        public const int CommandError = -100;
        /// <summary>-101 Invalid character.</summary>
        public const int InvalidCharacter = -101;
        /// <summary>-102 Syntax error.</summary>
        public const int SyntaxError = -102;
        /// <summary>-104 Data type error.</summary>
        public const int DataTypeError = -104;
        /// <summary>-108 Parameter not allowed.</summary>
        public const int ParameterNotAllowed = -108;
        /// <summary>-109 Missing parameter.</summary>
        public const int MissingParameter = -109;
        /// <summary>-113 Undefined header.</summary>
        public const int UndefinedHeader = -113;
        /// <summary>-114 Header suffix out of range.</summary>
        public const int HeaderSuffixOutOfRange = -114;
        /// <summary>-200 Execution error.</summary>
        public const int ExecutionError = -200;
        /// <summary>-221 Settings conflict.</summary>
        public const int SettingsConflict = -221;
        /// <summary>-222 Data out of range.</summary>
        public const int DataOutOfRange = -222;
        /// <summary>-224 Illegal parameter value.</summary>
        public const int IllegalParameterValue = -224;
        /// <summary>-240 Hardware error.</summary>
        public const int HardwareError = -240;
        /// <summary>-330 Self-test failed.</summary>
        public const int SelfTestFailed = -330;
        /// <summary>-300: a device fault that fits no narrower code (the sample loop cannot keep up with the converter).</summary>
        public const int DeviceSpecificError = -300;
        /// <summary>-350 Queue overflow.</summary>
        public const int QueueOverflow = -350;
        /// <summary>-363 Input buffer overrun.</summary>
        public const int InputBufferOverrun = -363;

        /// <summary>The standard text of a code.</summary>
        public static string Text(int code)
        {
            switch (code)
            {
                case CommandError: return "Command error";
                case InvalidCharacter: return "Invalid character";
                case SyntaxError: return "Syntax error";
                case DataTypeError: return "Data type error";
                case ParameterNotAllowed: return "Parameter not allowed";
                case MissingParameter: return "Missing parameter";
                case UndefinedHeader: return "Undefined header";
                case HeaderSuffixOutOfRange: return "Header suffix out of range";
                case ExecutionError: return "Execution error";
                case SettingsConflict: return "Settings conflict";
                case DataOutOfRange: return "Data out of range";
                case IllegalParameterValue: return "Illegal parameter value";
                case HardwareError: return "Hardware error";
                case SelfTestFailed: return "Self-test failed";
                case DeviceSpecificError: return "Device-specific error";
                case QueueOverflow: return "Queue overflow";
                case InputBufferOverrun: return "Input buffer overrun";
                default: return "Error";
            }
        }
    }
}
