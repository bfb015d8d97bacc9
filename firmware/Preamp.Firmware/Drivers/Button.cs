// A front-panel push button: shift-register debounce and press/hold detection, advanced by ticks.
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /// <summary>What a button did during one tick.</summary>
    public static class ButtonEvent
    {
        /// <summary>Nothing new.</summary>
        public const int None = 0;
        /// <summary>Debounced press.</summary>
        public const int Pressed = 1;
        /// <summary>Released before the long-press time: a short press.</summary>
        public const int ShortPress = 2;
        /// <summary>Held for the long-press time (fires once, while still held).</summary>
        public const int LongPress = 3;
        /// <summary>Released after a long press.</summary>
        public const int LongRelease = 4;
    }

    /// <summary>
    /// Debounces one active-low button by shifting a sample per tick into an 8-bit history: a press needs
    /// <see cref="StableSamples"/> consecutive pressed samples, a release as many released ones. Hold time is
    /// counted from the ticks' elapsed milliseconds; no clock is read.
    /// </summary>
    public sealed class Button
    {
        /// <summary>Consecutive equal samples that make a change (at the 10 ms tick: 40 ms).</summary>
        public const int StableSamples = 4;
        private const int StableMask = (1 << StableSamples) - 1;

        private readonly IDigitalInput _pin;
        private readonly int _longPressMs;
        private int _history;
        private bool _pressed;
        private bool _longFired;
        private int _heldMs;

        /// <summary>A button on an active-low input; <paramref name="longPressMs"/> is its hold time.</summary>
        public Button(IDigitalInput pin, int longPressMs)
        {
            _pin = pin;
            _longPressMs = longPressMs;
        }

        /// <summary>True while the debounced button is down.</summary>
        public bool IsPressed { get { return _pressed; } }

        /// <summary>Milliseconds the button has been held (0 when up).</summary>
        public int HeldMilliseconds { get { return _pressed ? _heldMs : 0; } }

        /// <summary>Samples the pin, advances hold time by <paramref name="elapsedMs"/>, returns a <see cref="ButtonEvent"/>.</summary>
        public int Tick(int elapsedMs)
        {
            bool raw = !_pin.Read();
            if (!raw && _history == 0 && !_pressed)
            {
                return ButtonEvent.None;   // released and settled: nothing to step
            }
            return Step(raw, elapsedMs);
        }

        /// <summary>The state machine itself, fed a raw sample (pure apart from the button's own state).</summary>
        public int Step(bool rawPressed, int elapsedMs)
        {
            _history = ((_history << 1) | (rawPressed ? 1 : 0)) & 0xFF;
            if (!_pressed)
            {
                if ((_history & StableMask) == StableMask)
                {
                    _pressed = true;
                    _longFired = false;
                    _heldMs = 0;
                    return ButtonEvent.Pressed;
                }
                return ButtonEvent.None;
            }

            if ((_history & StableMask) == 0)
            {
                _pressed = false;
                return _longFired ? ButtonEvent.LongRelease : ButtonEvent.ShortPress;
            }
            _heldMs += elapsedMs;
            if (!_longFired && _heldMs >= _longPressMs)
            {
                _longFired = true;
                return ButtonEvent.LongPress;
            }
            return ButtonEvent.None;
        }
    }
}
