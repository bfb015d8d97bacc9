// A hardware quadrature counter (the ESP32 PCNT unit).
namespace PreampFirmware.Hal
{
    /// <summary>A free-running quadrature counter; positive counts are clockwise.</summary>
    public interface IPulseCounter
    {
        /// <summary>The accumulated count since start. Never reset by the reader.</summary>
        long Read();
    }
}
