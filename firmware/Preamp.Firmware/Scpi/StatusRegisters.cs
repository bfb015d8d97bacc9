// IEEE 488.2 status reporting of one session: the standard event status register, its enable, the service request enable.
namespace PreampFirmware.Scpi
{
    /// <summary>
    /// One session's IEEE 488.2 §11 status registers. The standard event status register (*ESR?, cleared by reading and by
    /// *CLS) collects OPC (set by *OPC), QYE, DDE, EXE and CME (set by the error classes -4xx, -3xx, -2xx and -1xx as
    /// SCPI-99 §21.8 assigns them) and PON (set when the board powered on while the session was connected). The status
    /// byte (*STB?) is computed when read: EAV (the error queue holds something, SCPI-99), MAV (an answer of this line
    /// waits to be sent), ESB (an event the *ESE mask lets through) and RQS/MSS (a bit the *SRE mask lets through).
    /// </summary>
    public sealed class StatusRegisters
    {
        /// <summary>Event bit 0: operation complete (*OPC).</summary>
        public const int OperationComplete = 1;
        /// <summary>Event bit 2: query error (-4xx).</summary>
        public const int QueryError = 4;
        /// <summary>Event bit 3: device-dependent error (-3xx).</summary>
        public const int DeviceDependentError = 8;
        /// <summary>Event bit 4: execution error (-2xx).</summary>
        public const int ExecutionError = 16;
        /// <summary>Event bit 5: command error (-1xx).</summary>
        public const int CommandError = 32;
        /// <summary>Event bit 7: power on.</summary>
        public const int PowerOn = 128;

        /// <summary>Status byte bit 2: the error/event queue is not empty (SCPI-99 EAV).</summary>
        public const int ErrorAvailable = 4;
        /// <summary>Status byte bit 4: message available.</summary>
        public const int MessageAvailable = 16;
        /// <summary>Status byte bit 5: event status summary (ESR and ESE).</summary>
        public const int EventSummary = 32;
        /// <summary>Status byte bit 6: master summary status (the status byte and SRE).</summary>
        public const int MasterSummary = 64;

        private int _event;
        private int _eventEnable;
        private int _serviceEnable;

        /// <summary>The standard event status register as it stands (not cleared).</summary>
        public int Event { get { return _event; } }

        /// <summary>*ESE: which event bits set ESB in the status byte (0..255).</summary>
        public int EventEnable
        {
            get { return _eventEnable; }
            set { _eventEnable = value & 0xFF; }
        }

        /// <summary>*SRE: which status byte bits set MSS (0..255; bit 6 is ignored, as IEEE 488.2 §11.3.2 says).</summary>
        public int ServiceEnable
        {
            get { return _serviceEnable; }
            set { _serviceEnable = value & 0xBF; }
        }

        /// <summary>Sets event bits.</summary>
        public void SetEvent(int bits)
        {
            _event |= bits & 0xFF;
        }

        /// <summary>*ESR?: the event register, which reading clears.</summary>
        public int ReadEvent()
        {
            int e = _event;
            _event = 0;
            return e;
        }

        /// <summary>*CLS: clears the event register (the masks stay).</summary>
        public void ClearEvent()
        {
            _event = 0;
        }

        /// <summary>The event bit of a SCPI error code: CME for -1xx, EXE for -2xx, DDE for -3xx, QYE for -4xx, else none.</summary>
        public static int EventBitOf(int code)
        {
            if (code <= -100 && code > -200) return CommandError;
            if (code <= -200 && code > -300) return ExecutionError;
            if (code <= -300 && code > -400) return DeviceDependentError;
            if (code <= -400 && code > -500) return QueryError;
            return 0;
        }

        /// <summary>The status byte: EAV, MAV, ESB and MSS from the registers and what is waiting.</summary>
        public int StatusByte(bool errorAvailable, bool messageAvailable)
        {
            int stb = 0;
            if (errorAvailable) stb |= ErrorAvailable;
            if (messageAvailable) stb |= MessageAvailable;
            if ((_event & _eventEnable) != 0) stb |= EventSummary;
            if ((stb & _serviceEnable) != 0) stb |= MasterSummary;
            return stb;
        }
    }
}
