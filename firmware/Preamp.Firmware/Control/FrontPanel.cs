// The front panel: knob, CHANNEL, 48V and the knob's push switch in; gain rings and status LEDs out.
using PreampFirmware.Drivers;
using PreampFirmware.Hal;
using PreampFirmware.Streaming;

namespace PreampFirmware.Control
{
    /// <summary>
    /// Front-panel behaviour, ticked with elapsed milliseconds. Knob: 1 dB per detent on the selected channel
    /// (both when linked), 2 or 3 dB per detent when turned fast; push: mute. CHANNEL: press selects the next
    /// channel, a 2 s hold toggles link. 48V: a 2 s hold toggles phantom on the selected channel (a short press does
    /// nothing); a refusal (phantom lock) blinks the 48V LED fast. LEDs: ring = gain, 48V lit when on and blinking
    /// while the supply ramps, PAD, Ø, SIGNAL above −40 dBFS, CLIP from OVR or ≥ −0.5 dBFS held 1 s.
    /// </summary>
    public sealed class FrontPanel
    {
        /// <summary>Hold time of the 48V and CHANNEL buttons, ms.</summary>
        public const int LongPressMs = 2000;
        /// <summary>Hold time of the knob's push that starts auto gain, ms.</summary>
        public const int KnobLongPressMs = 1000;
        /// <summary>How long the ring shows an auto-gain result, ms.</summary>
        public const int ResultShowMs = 2000;
        /// <summary>Step time of the ring's chase while auto gain listens, ms.</summary>
        public const int ChaseStepMs = 60;
        /// <summary>Detent interval below which the knob moves 2 dB per detent, ms.</summary>
        public const int FastDetentMs = 50;
        /// <summary>Detent interval below which the knob moves 3 dB per detent, ms.</summary>
        public const int FasterDetentMs = 25;
        /// <summary>SIGNAL LED threshold, dBFS peak.</summary>
        public const double SignalDbfs = -40.0;
        /// <summary>CLIP LED threshold, dBFS peak.</summary>
        public const double ClipDbfs = -0.5;
        /// <summary>CLIP LED hold, ms.</summary>
        public const int ClipHoldMs = 1000;
        /// <summary>How long a refused phantom request blinks the 48V LED, ms.</summary>
        public const int RefusalBlinkMs = 1000;
        /// <summary>Half-period of the refusal blink, ms.</summary>
        public const int FastBlinkMs = 60;
        /// <summary>Half-period of the ramp blink, ms.</summary>
        public const int RampBlinkMs = 250;
        /// <summary>How long a bench test's LED (<see cref="ShowTestLed"/>) stays lit unless shown again, ms.</summary>
        public const int TestLedMs = 5000;
        /// <summary>LEDs a bench test can light one at a time: per channel 16 ring LEDs, then 48V, PAD, Ø, SIGNAL, CLIP, SELECTED.</summary>
        public const int TestLeds = 44;

        /// <summary>
        /// What the controls did since power-on, for a bench test (DIAGnostic:PANel?): knob detents either way, debounced
        /// presses of the knob, CHANNEL and 48V. Counted only when something happens.
        /// </summary>
        public readonly int[] Counts = new int[4];

        private readonly Channels _channels;
        private readonly GainAutomation _automation;
        private readonly LevelMeter _meter;
        private readonly Hc595LedChain _leds;
        private readonly Button _knobButton;
        private readonly Button _channelButton;
        private readonly Button _phantomButton;
        private readonly RotaryEncoder _encoder;
        private readonly int[] _clipHoldMs = new int[2];
        private readonly int[] _refusalMs = new int[2];
        private readonly int[] _lastAutoStatus = new int[2];
        private readonly int[] _resultMs = new int[2];
        private int _sinceDetentMs = 1000;
        private int _clockMs;
        private int _shownVersion = -1;
        private int _shownMeter = -1;
        private int _shownAuto = -1;
        private bool _animating = true;
        private int _testLed;
        private int _testMs;

        /// <summary>The panel working <paramref name="channels"/>, reading the board's buttons and knob and lighting <paramref name="leds"/>.</summary>
        public FrontPanel(Channels channels, GainAutomation automation, LevelMeter meter, Hc595LedChain leds, BoardIo io)
        {
            _channels = channels;
            _automation = automation;
            _meter = meter;
            _leds = leds;
            _knobButton = new Button(io.EncoderSwitch, KnobLongPressMs);
            _channelButton = new Button(io.ChannelButton, LongPressMs);
            _phantomButton = new Button(io.PhantomButton, LongPressMs);
            _encoder = new RotaryEncoder(io.Encoder);
            meter.SetThresholds(SignalDbfs, ClipDbfs);
        }

        /// <summary>dB per detent for a detent interval (pure).</summary>
        public static int StepForInterval(int msPerDetent)
        {
            if (msPerDetent < FasterDetentMs) return 3;
            if (msPerDetent < FastDetentMs) return 2;
            return 1;
        }

        /// <summary>
        /// Reads the controls, acts on them, and refreshes the LEDs — only when what they show can have changed: the
        /// channels moved, the meter crossed the SIGNAL or CLIP threshold, an auto-gain status changed, or something blinks
        /// or counts down. A tick that finds nothing changed reads the knob, three buttons and two OVR pins, and returns.
        /// </summary>
        public void Tick(int elapsedMs)
        {
            _clockMs += elapsedMs;
            if (_sinceDetentMs < 1000)
            {
                _sinceDetentMs += elapsedMs;
            }
            int detents = _encoder.ReadDetents();
            if (detents != 0)
            {
                int count = detents < 0 ? -detents : detents;
                Counts[0] += count;
                int step = StepForInterval(_sinceDetentMs / count);
                _channels.StepGain(_channels.Selected, detents * step);
                _sinceDetentMs = 0;
            }

            int knob = _knobButton.Tick(elapsedMs);
            int channel = _channelButton.Tick(elapsedMs);
            int phantom = _phantomButton.Tick(elapsedMs);
            if ((knob | channel | phantom) != ButtonEvent.None)
            {
                Act(knob, channel, phantom);
            }
            int meter = MeterBits();
            int auto = _automation.StatusWord;
            if (!_animating && meter == _shownMeter && _channels.Version == _shownVersion && auto == _shownAuto)
            {
                return;
            }
            _shownAuto = auto;
            _shownMeter = meter;
            _shownVersion = _channels.Version;
            UpdateLeds(elapsedMs);
        }

        private void Act(int knob, int channel, int phantom)
        {
            if (knob == ButtonEvent.Pressed) Counts[1]++;
            if (channel == ButtonEvent.Pressed) Counts[2]++;
            if (phantom == ButtonEvent.Pressed) Counts[3]++;
            if (knob == ButtonEvent.ShortPress)
            {
                _channels.SetMute(_channels.Selected, !_channels.Inputs[_channels.Selected].Mute);
            }
            else if (knob == ButtonEvent.LongPress)
            {
                _automation.StartAutoGain(_channels.Selected);
            }
            if (channel == ButtonEvent.ShortPress)
            {
                _channels.Select((_channels.Selected + 1) % Channels.Count);
            }
            else if (channel == ButtonEvent.LongPress)
            {
                _channels.SetLink(!_channels.Linked);
            }
            if (phantom == ButtonEvent.LongPress)
            {
                int ch = _channels.Selected;
                if (!_channels.RequestPhantom(ch, !_channels.Inputs[ch].Phantom))
                {
                    SignalRefusal(ch);
                }
            }
        }

        /// <summary>What the meter and the OVR pins light: per channel b0 above the SIGNAL threshold, b1 CLIP (bits 2–3 channel 2).</summary>
        private int MeterBits()
        {
            int overload = _channels.Gain.OverloadBits;   // read by the control tick just before
            return _meter.ThresholdBits | ((overload & 1) << 1) | ((overload & 2) << 2);
        }

        /// <summary>Darkens every LED now (the safe state).</summary>
        public void Dark()
        {
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                _leds.SetRing(ch, 0);
                _leds.SetStatus(ch, 0);
            }
            _leds.Flush(true);
        }

        /// <summary>
        /// Lights LED <paramref name="led"/> (1..<see cref="TestLeds"/>: 1-16 ring 1, 17-22 input 1's 48V, PAD, Ø, SIGNAL,
        /// CLIP, SELECTED, 23-44 the same for input 2) and no other for <see cref="TestLedMs"/>; 0 shows the panel again.
        /// </summary>
        public void ShowTestLed(int led)
        {
            _testLed = led;
            _testMs = led > 0 ? TestLedMs : 0;
            _animating = true;   // the LEDs are drawn on the next tick, and every tick while the test LED shows
        }

        private void DrawTestLed()
        {
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                int first = 1 + 22 * ch;
                int n = _testLed - first;
                _leds.SetRing(ch, n >= 0 && n < 16 ? 1 << n : 0);
                _leds.SetStatus(ch, n >= 16 && n < 22 ? 1 << (n - 16) : 0);
            }
            _leds.Flush(false);
        }

        /// <summary>Starts the fast 48V blink that tells a phantom request was refused.</summary>
        public void SignalRefusal(int channel)
        {
            _refusalMs[channel] = RefusalBlinkMs;
            _animating = true;
        }

        /// <summary>
        /// The ring: the gain as a bar; while auto gain listens, one LED chasing round; for two seconds after it ends,
        /// the result: the new gain blinking (success), the whole ring blinking slowly (too quiet) or fast (clipped).
        /// </summary>
        private int RingPattern(int ch, int gainDb, int elapsedMs)
        {
            int status = _automation.AutoGainOf(ch).Status;
            if (status != _lastAutoStatus[ch])
            {
                _lastAutoStatus[ch] = status;
                _resultMs[ch] = status == AutoGainStatus.Running ? 0 : ResultShowMs;
            }
            if (status == AutoGainStatus.Running)
            {
                return 1 << ((_clockMs / ChaseStepMs) % 16);
            }
            if (_resultMs[ch] > 0)
            {
                _resultMs[ch] -= elapsedMs;
                if (status == AutoGainStatus.Success) return (_clockMs / RampBlinkMs) % 2 == 0 ? Hc595LedChain.GainBar(gainDb) : 0;
                if (status == AutoGainStatus.TooQuiet) return (_clockMs / RampBlinkMs) % 2 == 0 ? 0xFFFF : 0;
                if (status == AutoGainStatus.Clipped) return (_clockMs / FastBlinkMs) % 2 == 0 ? 0xFFFF : 0;
            }
            return Hc595LedChain.GainBar(gainDb);
        }

        private void UpdateLeds(int elapsedMs)
        {
            if (_testMs > 0)
            {
                _testMs -= elapsedMs;
                DrawTestLed();
                return;   // _animating stays set: the panel comes back by itself when the test LED times out
            }
            bool animating = false;
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                InputChannel input = _channels.Inputs[ch];
                ChannelRelays relays = _channels.Relays[ch];
                int status = 0;
                bool phantomLed = relays.Phantom.IsClosed;
                if (_refusalMs[ch] > 0)
                {
                    _refusalMs[ch] -= elapsedMs;
                    phantomLed = (_clockMs / FastBlinkMs) % 2 == 0;
                    animating = true;
                }
                else if (input.PhantomRamping)
                {
                    phantomLed = (_clockMs / RampBlinkMs) % 2 == 0;
                    animating = true;
                }
                if (phantomLed) status |= StatusLed.Phantom;
                if (relays.Pad.IsClosed) status |= StatusLed.Pad;
                if (relays.Polarity.IsClosed) status |= StatusLed.Polarity;

                int meter = _shownMeter >> (2 * ch);
                if ((meter & 1) != 0 && !_channels.IsMuted(ch)) status |= StatusLed.Signal;
                if ((meter & 2) != 0)
                {
                    _clipHoldMs[ch] = ClipHoldMs;
                    animating = true;
                }
                else if (_clipHoldMs[ch] > 0)
                {
                    _clipHoldMs[ch] -= elapsedMs;
                    animating = true;
                }
                if (_clipHoldMs[ch] > 0) status |= StatusLed.Clip;
                if (ch == _channels.Selected || _channels.Linked) status |= StatusLed.Selected;
                _leds.SetStatus(ch, status);
                bool showingResult = _resultMs[ch] > 0;   // its last frame still needs the plain bar after it
                _leds.SetRing(ch, RingPattern(ch, input.GainDb, elapsedMs));
                if (showingResult || _resultMs[ch] > 0 || _lastAutoStatus[ch] == AutoGainStatus.Running) animating = true;
            }
            _animating = animating;
            _leds.Flush(false);
        }
    }
}
