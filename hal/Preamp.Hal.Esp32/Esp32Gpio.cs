// Digital inputs and outputs over nanoFramework's GpioPin.
using System.Device.Gpio;

namespace PreampFirmware.Hal.Esp32
{
    /// <summary>A GPIO output. It is driven to its initial level as soon as it is opened.</summary>
    public sealed class Esp32Output : IDigitalOutput
    {
        private readonly GpioPin _pin;
        private bool _level;

        /// <summary>Opens <paramref name="pin"/> as an output at <paramref name="initialHigh"/>.</summary>
        public Esp32Output(GpioController gpio, int pin, bool initialHigh)
        {
            _pin = gpio.OpenPin(pin, PinMode.Output);
            Write(initialHigh);
        }

        /// <inheritdoc />
        public void Write(bool high)
        {
            _pin.Write(high ? PinValue.High : PinValue.Low);
            _level = high;
        }

        /// <inheritdoc />
        public bool IsHigh { get { return _level; } }
    }

    /// <summary>A GPIO input, polled (a read is kept to two calls).</summary>
    public sealed class Esp32Input : IDigitalInput
    {
        private static readonly PinValue s_high = PinValue.High;
        private readonly GpioPin _pin;

        /// <summary>Opens <paramref name="pin"/> as an input; <paramref name="pullUp"/> enables the internal pull-up.</summary>
        public Esp32Input(GpioController gpio, int pin, bool pullUp)
        {
            _pin = gpio.OpenPin(pin, pullUp ? PinMode.InputPullUp : PinMode.Input);
        }

        /// <inheritdoc />
        public bool Read()
        {
            return _pin.Read().Equals(s_high);
        }
    }
}
