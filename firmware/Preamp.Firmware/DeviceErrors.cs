// Device errors as events: a part reports what went wrong; whoever is listening then (the host sessions) hears it.
namespace PreampFirmware
{
    /// <summary>Called for each device error with its SCPI code and what happened.</summary>
    public delegate void DeviceErrorHandler(int code, string detail);

    /// <summary>
    /// Where the parts report device errors (a converter that stops, a gain chain that stops answering, a failed
    /// self-test, a damaged record). An error is an event: it reaches the listeners of the moment — the host sessions
    /// connected then — and nobody later. What lasts (a fault still present) is state in the part that found it,
    /// which a host can query.
    /// </summary>
    public sealed class DeviceErrors
    {
        /// <summary>SCPI -240 "Hardware error".</summary>
        public const int HardwareError = -240;
        /// <summary>SCPI -300 "Device-specific error".</summary>
        public const int DeviceSpecificError = -300;
        /// <summary>SCPI -330 "Self-test failed".</summary>
        public const int SelfTestFailed = -330;

        private int _reported;

        /// <summary>Raised for every error reported.</summary>
        public event DeviceErrorHandler Raised;

        /// <summary>Errors reported since power-up.</summary>
        public int Reported { get { return _reported; } }

        /// <summary>Reports <paramref name="detail"/> under SCPI error <paramref name="code"/> to whoever listens now.</summary>
        public void Report(int code, string detail)
        {
            _reported++;
            DeviceErrorHandler handler = Raised;
            if (handler != null)
            {
                handler(code, detail);
            }
        }
    }
}
