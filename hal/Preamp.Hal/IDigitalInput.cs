// A GPIO input, read by polling.
namespace PreampFirmware.Hal
{
    /// <summary>A digital input pin, read by polling (GPIO events on nanoFramework can lag ~20 ms).</summary>
    public interface IDigitalInput
    {
        /// <summary>True when the pin reads high.</summary>
        bool Read();
    }
}
