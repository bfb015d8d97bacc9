// A push-pull GPIO output.
namespace PreampFirmware.Hal
{
    /// <summary>A digital output pin. Semantic wrappers (relays, chip selects, enables) sit on top of it.</summary>
    public interface IDigitalOutput
    {
        /// <summary>Drives the pin high (true) or low (false).</summary>
        void Write(bool high);

        /// <summary>The level last written.</summary>
        bool IsHigh { get; }
    }
}
