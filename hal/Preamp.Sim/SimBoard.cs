// The simulated rev B board: parts wired as on the schematic, an analog model, virtual time, and a backend for tests and users.
using System;
using System.Linq;
using System.Collections.Generic;
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>What drives a channel's input.</summary>
public enum SourceKind
{
    /// <summary>Nothing connected (terminated input).</summary>
    Off,
    /// <summary>A sine tone.</summary>
    Sine,
    /// <summary>White noise.</summary>
    Noise,
    /// <summary>
    /// Mains hum, as a ground loop brings it: the mains frequency (<see cref="SimSource.FrequencyHz"/>, 50 or 60 Hz) at
    /// <see cref="SimSource.Dbu"/> and its harmonics 2 to 5 below it (<see cref="SimSource.HumHarmonicsDb"/>).
    /// </summary>
    Hum,
}

/// <summary>A signal source at a channel's XLR input.</summary>
public sealed class SimSource
{
    private readonly Action _changing;
    private SourceKind _kind;
    private double _frequencyHz = 1000;
    private double _dbu = -40;

    /// <summary>A source; <paramref name="changing"/> runs before any change (the board converts what came before it first).</summary>
    public SimSource(Action changing = null) => _changing = changing;

    /// <summary>Kind of signal.</summary>
    public SourceKind Kind
    {
        get => _kind;
        set { _changing?.Invoke(); _kind = value; }
    }

    /// <summary>Tone frequency, Hz.</summary>
    public double FrequencyHz
    {
        get => _frequencyHz;
        set { _changing?.Invoke(); _frequencyHz = value; }
    }

    /// <summary>RMS level in dBu (0 dBu = 0.7746 V rms).</summary>
    public double Dbu
    {
        get => _dbu;
        set
        {
            _changing?.Invoke();
            _dbu = value;
            RmsVolts = 0.77459667 * Math.Pow(10, value / 20);
            PeakVolts = RmsVolts * Math.Sqrt(2);
        }
    }

    /// <summary>Level of the mains harmonics 1 to 5 of a <see cref="SourceKind.Hum"/> source against its fundamental, dB (rectifier buzz: the 2nd and 3rd strong).</summary>
    public static readonly double[] HumHarmonicsDb = { 0, -6, -4, -14, -10 };

    /// <summary>RMS volts of <see cref="Dbu"/>.</summary>
    public double RmsVolts { get; private set; } = 0.77459667 * Math.Pow(10, -40 / 20.0);

    /// <summary>Peak volts of a sine at <see cref="Dbu"/>.</summary>
    public double PeakVolts { get; private set; } = 0.77459667 * Math.Pow(10, -40 / 20.0) * Math.Sqrt(2);
}

/// <summary>Manufacturing errors of one board, drawn from a seed (all zero for an ideal board).</summary>
public sealed class BoardErrors
{
    /// <summary>Gain error in dB per channel and gain setting (index = dB, 0..65).</summary>
    public double[][] GainStepDb { get; } = { new double[66], new double[66] };
    /// <summary>Pad attenuation error in dB per channel (the pad is 20 dB + this).</summary>
    public double[] PadDb { get; } = new double[2];
    /// <summary>ADC offset per channel, volts at the converter input.</summary>
    public double[] AdcOffsetVolts { get; } = new double[2];
    /// <summary>ADC gain error factor per channel.</summary>
    public double[] AdcGainFactor { get; } = { 1.0, 1.0 };

    /// <summary>An ideal board.</summary>
    public static BoardErrors None => new();

    /// <summary>Errors drawn from <paramref name="seed"/>: gain steps up to ±0.5 dB, pad ±0.3 dB, ADC offset up to ±2 mV and gain ±1 %.</summary>
    public static BoardErrors FromSeed(int seed)
    {
        var r = new Random(seed);
        var e = new BoardErrors();
        for (int ch = 0; ch < 2; ch++)
        {
            for (int db = 0; db <= 65; db++) e.GainStepDb[ch][db] = (r.NextDouble() * 2 - 1) * 0.5;
            e.PadDb[ch] = (r.NextDouble() * 2 - 1) * 0.3;
            e.AdcOffsetVolts[ch] = (r.NextDouble() * 2 - 1) * 0.002;
            e.AdcGainFactor[ch] = 1 + (r.NextDouble() * 2 - 1) * 0.01;
        }
        return e;
    }
}

/// <summary>Options for building a simulated board.</summary>
public sealed class SimBoardOptions
{
    /// <summary>Manufacturing errors; null for an ideal board.</summary>
    public BoardErrors Errors { get; set; }
    /// <summary>Seed of converter and preamp noise.</summary>
    public int NoiseSeed { get; set; } = 1;
    /// <summary>Host file that keeps the flash across runs; null for a fresh flash.</summary>
    public string FlashPath { get; set; }
    /// <summary>An existing flash to reuse (a restart of the same board); overrides <see cref="FlashPath"/>.</summary>
    public SimFlash Flash { get; set; }
}

/// <summary>
/// Board rev B in software. The firmware gets <see cref="Io"/>; tests and users work the physical side through
/// the backend members (sources, knob, buttons, relays, LEDs). Time is virtual: nothing moves until
/// <see cref="AdvanceTo"/> or <see cref="AdvanceBy"/>.
/// </summary>
public sealed class SimBoard
{
    /// <summary>
    /// Differential swing limit of the PGA2500 output on ±5 V rails, volts peak: about 5.7 Vrms, 1 dB above its
    /// 5.1 Vrms OVR threshold (PGA2505 SBOS396B, the same output stage) [verify], 2.6 dB above converter full scale.
    /// </summary>
    public const double PgaClipVolts = 8.06;
    /// <summary>Equivalent input noise of the preamp, volts rms (−128 dBu, datasheet at 30 dB gain).</summary>
    public const double EinVolts = 0.31e-6;

    private readonly PriorityQueue<Action, (long At, long Order)> _events = new();
    private long _eventOrder;
    private long _now;
    private bool _advancing;
    private bool _relaysMoving;

    /// <summary>Builds the board, powered on, with every part at its power-on state.</summary>
    public SimBoard(SimBoardOptions options = null)
    {
        options ??= new SimBoardOptions();
        Errors = options.Errors ?? BoardErrors.None;

        Clock = new SimClock(this);
        ZeroCrossEnable = new SimPin("PGA_ZCEN", false);
        Overload1 = new SimPin("PGA_OVR1", false);
        Overload2 = new SimPin("PGA_OVR2", false);
        PhantomPins = new[] { new SimPin("PHANTOM1", false), new SimPin("PHANTOM2", false) };
        EncoderSwitch = new SimPin("ENC_SW", true);
        ChannelButton = new SimPin("BTN_CHANNEL", true);
        PhantomButton = new SimPin("BTN_48V", true);

        Pga = new SimPga2500Chain(this, ZeroCrossEnable, Overload1, Overload2);
        Leds = new SimHc595Chain();
        Adc = new SimPcm1863(this, options.NoiseSeed);
        for (int ch = 0; ch < 2; ch++)
        {
            Adc.OffsetErrorVolts[ch] = Errors.AdcOffsetVolts[ch];
            Adc.GainErrorFactor[ch] = Errors.AdcGainFactor[ch];
        }
        Sources = new[] { new SimSource(CatchUpAudio), new SimSource(CatchUpAudio) };
        Analog = new SimAnalogChain(this, options.NoiseSeed);
        Audio = new SimI2s(this, Adc, Analog);
        Crc = new SimCrc32();

        GainSpi = new SimSpiChannel(this, "PGA_CS", Pga, BoardRevB.GainBusClockHz);
        LedSpi = new SimSpiChannel(this, "LED_LATCH", Leds, BoardRevB.GainBusClockHz);
        AdcSpi = new SimSpiChannel(this, "ADC_CS", Adc, BoardRevB.AdcBusClockHz);

        PhantomRelays = new[] { new SimRelay("PHANTOM1"), new SimRelay("PHANTOM2") };
        PadRelays = new[] { new SimRelay("PAD1"), new SimRelay("PAD2") };
        PolarityRelays = new[] { new SimRelay("POLARITY1"), new SimRelay("POLARITY2") };
        Phantom = new[] { new PhantomSupply(PhantomRelays[0]), new PhantomSupply(PhantomRelays[1]) };
        for (int ch = 0; ch < 2; ch++)
        {
            int c = ch;
            PhantomPins[ch].Changed += on => { PhantomRelays[c].SetCoil(on, _now); _relaysMoving = true; };
        }
        // GPO1 drives the pad relay, GPO2 the polarity relay of the same channel.
        Pga.GpoChanged += (ch, gpo) =>
        {
            PadRelays[ch].SetCoil((gpo & 1) != 0, _now);
            PolarityRelays[ch].SetCoil((gpo & 2) != 0, _now);
            _relaysMoving = true;
        };

        Encoder = new SimPulseCounter();
        Flash = options.Flash ?? new SimFlash(options.FlashPath);
        Host = new SimSerialPort(this, BoardRevB.HostBaud);

        Io = new BoardIo
        {
            GainSpi = GainSpi,
            LedSpi = LedSpi,
            AdcSpi = AdcSpi,
            Audio = Audio,
            Crc = Crc,
            ZeroCrossEnable = ZeroCrossEnable,
            Overload1 = Overload1,
            Overload2 = Overload2,
            Phantom1 = PhantomPins[0],
            Phantom2 = PhantomPins[1],
            Encoder = Encoder,
            EncoderSwitch = EncoderSwitch,
            ChannelButton = ChannelButton,
            PhantomButton = PhantomButton,
            Host = Host,
            Clock = Clock,
            Store = Flash,
        };
    }

    /// <summary>The firmware's view of the board.</summary>
    public BoardIo Io { get; }

    /// <summary>Power cycles since the board was built.</summary>
    public int PowerCycles { get; private set; }

    /// <summary>
    /// Power goes and comes back (a cut during a flash write, a brown-out): the ESP32's pins drop (phantom relays open
    /// at once), the PGA2500s come back at 0 dB with their GPOs low (pad and polarity relays open), the PCM1863 at its
    /// reset values, the I2S clocks stop, the LEDs go dark; the flash keeps what the cut left. Sources, knob and buttons
    /// are outside the board and stay. The firmware must boot again.
    /// </summary>
    public void PowerCycle()
    {
        CatchUpAudio();
        Audio.Stop();
        foreach (var pin in PhantomPins) pin.Write(false);
        ZeroCrossEnable.Write(false);
        Pga.PowerCycle();
        Adc.PowerCycle();
        Leds.PowerCycle();
        Flash.Restore();
        PowerCycles++;
    }

    /// <summary>
    /// The app opens the SPI devices (Esp32Board.Open, the buses last: PGA2500 chain, LED chain, converter, each in mode 0).
    /// Each open clocks two zero bytes with its CS asserted (<see cref="SimSpiChannel.Open"/>): after a warm reset the
    /// PGA2500 chain latches chip 1's old word into chip 2 and the LED chain latches its shifted contents, until the
    /// firmware writes them.
    /// </summary>
    public void OpenBuses()
    {
        GainSpi.Reopen(0);
        LedSpi.Reopen(0);
        AdcSpi.Reopen(0);
    }

    /// <summary>
    /// The ESP32 resets without a power cut (a watchdog, a reset button, a new image): its pins drop (phantom drivers low,
    /// ZCEN low) and the I2S clocks stop; the PGA2500s, the LED chain and the PCM1863 keep what they latched. The firmware
    /// starts again and opens the buses (<see cref="OpenBuses"/>).
    /// </summary>
    public void ResetProcessor()
    {
        CatchUpAudio();
        Audio.Stop();
        foreach (var pin in PhantomPins) pin.Write(false);
        ZeroCrossEnable.Write(false);
    }

    /// <summary>Board time, µs since power-on.</summary>
    public long NowMicroseconds => _now;

    /// <summary>Manufacturing errors of this board.</summary>
    public BoardErrors Errors { get; }

    /// <summary>The clock the firmware reads.</summary>
    public SimClock Clock { get; }

    /// <summary>PGA2500 chain.</summary>
    public SimPga2500Chain Pga { get; }
    /// <summary>LED shift registers.</summary>
    public SimHc595Chain Leds { get; }
    /// <summary>PCM1863.</summary>
    public SimPcm1863 Adc { get; }
    /// <summary>The ESP32's I2S receiver with its DMA ring (the firmware's audio input).</summary>
    public SimI2s Audio { get; }
    /// <summary>The analog chain from the sources to the converter's inputs.</summary>
    public SimAnalogChain Analog { get; }
    /// <summary>The native CRC-32 the firmware stamps blocks with.</summary>
    public SimCrc32 Crc { get; }
    /// <summary>SPI device of the PGA2500 chain.</summary>
    public SimSpiChannel GainSpi { get; }
    /// <summary>SPI device of the LED chain.</summary>
    public SimSpiChannel LedSpi { get; }
    /// <summary>SPI device of the PCM1863's control port.</summary>
    public SimSpiChannel AdcSpi { get; }

    /// <summary>PGA2500 ZCEN line.</summary>
    public SimPin ZeroCrossEnable { get; }
    /// <summary>OVR of channel 1.</summary>
    public SimPin Overload1 { get; }
    /// <summary>OVR of channel 2.</summary>
    public SimPin Overload2 { get; }
    /// <summary>Phantom relay driver inputs.</summary>
    public SimPin[] PhantomPins { get; }
    /// <summary>Knob push switch line.</summary>
    public SimPin EncoderSwitch { get; }
    /// <summary>CHANNEL button line.</summary>
    public SimPin ChannelButton { get; }
    /// <summary>48V button line.</summary>
    public SimPin PhantomButton { get; }

    /// <summary>+48 V relays.</summary>
    public SimRelay[] PhantomRelays { get; }
    /// <summary>Pad relays.</summary>
    public SimRelay[] PadRelays { get; }
    /// <summary>Polarity relays.</summary>
    public SimRelay[] PolarityRelays { get; }
    /// <summary>Phantom supplies.</summary>
    public PhantomSupply[] Phantom { get; }
    /// <summary>Knob counter.</summary>
    public SimPulseCounter Encoder { get; }
    /// <summary>Internal flash.</summary>
    public SimFlash Flash { get; }
    /// <summary>Input sources, channel 1 and 2.</summary>
    public SimSource[] Sources { get; }
    /// <summary>Host UART.</summary>
    public SimSerialPort Host { get; }

    /// <summary>
    /// Another host link into the firmware (the simulator serves one per TCP client and one on its
    /// pseudo-terminal); each is paced at <paramref name="baud"/> like the board's UART.
    /// </summary>
    public SimSerialPort OpenHostPort(int baud)
    {
        var port = new SimSerialPort(this, baud);
        lock (_hostPorts) _hostPorts.Add(port);
        return port;
    }

    private readonly List<SimSerialPort> _hostPorts = new();

    /// <summary>Every host link: the board's UART, then those opened with <see cref="OpenHostPort"/>.</summary>
    public IReadOnlyList<SimSerialPort> HostPorts
    {
        get { lock (_hostPorts) return _hostPorts.Prepend(Host).ToList(); }
    }

    /// <summary>
    /// Runs the board until <paramref name="timeUs"/>: it stops at every scheduled backend event, relay contact change
    /// and DMA buffer completion, and before each converts the frames due with the analog state up to then.
    /// </summary>
    public void AdvanceTo(long timeUs)
    {
        if (timeUs < _now) return;
        if (_advancing)
        {
            // A wait inside a part's callback: move time (and the converter) only.
            _now = timeUs;
            Audio.CatchUp(_now);
            return;
        }
        _advancing = true;
        try
        {
            while (true)
            {
                long next = timeUs;
                if (_events.TryPeek(out _, out var at) && at.At < next) next = at.At;
                long buffer = Audio.NextBufferDoneUs;
                if (buffer < next) next = buffer;
                long relay = NextRelayChangeUs();
                if (relay < next) next = relay;
                _now = Math.Max(_now, next);
                Audio.CatchUp(_now);
                StepRelays();
                Pga.ApplyTimeouts(_now);
                while (_events.TryPeek(out var action, out var when) && when.At <= _now)
                {
                    _events.Dequeue();
                    action();
                }
                if (next >= timeUs) break;
            }
        }
        finally
        {
            _advancing = false;
        }
    }

    /// <summary>Converts every frame due by now with the analog state as it is (called before anything in the chain changes).</summary>
    public void CatchUpAudio() => Audio.CatchUp(_now);

    private long NextRelayChangeUs()
    {
        if (!_relaysMoving) return long.MaxValue;
        long next = long.MaxValue;
        for (int ch = 0; ch < 2; ch++)
        {
            next = Math.Min(next, Math.Min(PhantomRelays[ch].NextChangeUs, Math.Min(PadRelays[ch].NextChangeUs, PolarityRelays[ch].NextChangeUs)));
        }
        return next;
    }

    /// <summary>Runs the board for <paramref name="microseconds"/>.</summary>
    public void AdvanceBy(long microseconds) => AdvanceTo(_now + microseconds);

    /// <summary>Schedules a backend action at a board time (ties run in the order scheduled).</summary>
    public void Schedule(long atUs, Action action)
    {
        _events.Enqueue(action, (atUs, _eventOrder++));
    }

    /// <summary>Turns the knob: <paramref name="detents"/> clicks (positive clockwise), one every <paramref name="msPerDetent"/> ms.</summary>
    public void TurnKnob(int detents, double msPerDetent = 100)
    {
        int dir = Math.Sign(detents);
        for (int i = 0; i < Math.Abs(detents); i++)
        {
            long t = _now + (long)(i * msPerDetent * 1000);
            // Two counted edges per detent, half a detent apart.
            Schedule(t, () => Encoder.Add(dir));
            Schedule(t + (long)(msPerDetent * 500), () => Encoder.Add(dir));
        }
    }

    /// <summary>Presses a button (pulls its line low) now and releases it after <paramref name="holdMs"/>.</summary>
    public void PressButton(SimPin button, double holdMs)
    {
        Schedule(_now, () => button.Write(false));
        Schedule(_now + (long)(holdMs * 1000), () => button.Write(true));
    }

    private void StepRelays()
    {
        if (!_relaysMoving) return;
        bool moving = false;
        for (int ch = 0; ch < 2; ch++)
        {
            PhantomRelays[ch].Step(_now);
            PadRelays[ch].Step(_now);
            PolarityRelays[ch].Step(_now);
            moving |= PhantomRelays[ch].Coil != PhantomRelays[ch].Contact || PadRelays[ch].Coil != PadRelays[ch].Contact
                      || PolarityRelays[ch].Coil != PolarityRelays[ch].Contact;
        }
        _relaysMoving = moving;
    }
}

/// <summary>
/// Standard normal variates drawn from a fixed table of 65 536 Box-Muller values, indexed by the caller's seeded
/// generator: deterministic per seed and far cheaper than a transcendental per sample, which the simulator needs
/// at 2 × 48 000 conversions per simulated second.
/// </summary>
public static class NormalTable
{
    private const int Size = 1 << 16;
    private static readonly double[] s_values = Build();

    private static double[] Build()
    {
        var r = new Random(20240611);
        var v = new double[Size];
        for (int i = 0; i < Size; i += 2)
        {
            double u1 = 1.0 - r.NextDouble();
            double u2 = r.NextDouble();
            double m = Math.Sqrt(-2.0 * Math.Log(u1));
            v[i] = m * Math.Cos(2 * Math.PI * u2);
            v[i + 1] = m * Math.Sin(2 * Math.PI * u2);
        }
        return v;
    }

    /// <summary>The next N(0, 1) variate for generator <paramref name="r"/>.</summary>
    public static double Next(NoiseRandom r) => s_values[r.NextIndex() & (Size - 1)];
}

/// <summary>A small, fast, seeded generator (xorshift64*) for the simulator's noise: deterministic per seed.</summary>
public sealed class NoiseRandom
{
    private ulong _state;

    /// <summary>A generator started from <paramref name="seed"/>.</summary>
    public NoiseRandom(int seed) => _state = 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed * 0xBF58476D1CE4E5B9UL | 1;

    /// <summary>The next 32 random bits.</summary>
    public int NextIndex()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return (int)((_state * 2685821657736338717UL) >> 32);
    }
}

/// <summary>The ESP32 pulse counter on the knob's phases.</summary>
public sealed class SimPulseCounter : IPulseCounter
{
    private long _count;

    /// <inheritdoc />
    public long Read() => _count;

    /// <summary>Adds counted edges (positive clockwise).</summary>
    public void Add(int counts) => _count += counts;
}
