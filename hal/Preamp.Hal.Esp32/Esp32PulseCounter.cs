// IPulseCounter over the ESP32 PCNT unit (nanoFramework's GpioPulseCounter with two pins: quadrature).
using System.Device.Gpio;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>The knob's quadrature counter, counted in hardware so no edge is missed by the managed code.</summary>
    public sealed class Esp32PulseCounter : IPulseCounter
    {
        /// <summary>Glitch filter in APB clock cycles (80 MHz): 1000 cycles = 12.5 µs rejects contact chatter.</summary>
        public const ushort FilterCycles = 1000;

        private readonly GpioPulseCounter _counter;

        /// <summary>Counts phase A with phase B as direction.</summary>
        public Esp32PulseCounter(int pinA, int pinB)
        {
            _counter = new GpioPulseCounter(pinA, pinB);
            _counter.Polarity = GpioPulsePolarity.Both;
            _counter.FilterPulses = FilterCycles;
            _counter.Start();
        }

        /// <inheritdoc />
        public long Read()
        {
            return _counter.Read().Count;
        }
    }
}
