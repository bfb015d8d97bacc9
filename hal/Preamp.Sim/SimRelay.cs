// Simulated signal relays with operate and release times, and the soft-started phantom supply.
using System;

namespace PreampFirmware.Sim;

/// <summary>A relay whose contact follows its coil after the operate (or release) time.</summary>
public sealed class SimRelay
{
    /// <summary>Coil on to contact closed, µs (small signal relay, e.g. 3 ms typical + bounce).</summary>
    public const long OperateUs = 5_000;
    /// <summary>Coil off to contact open, µs.</summary>
    public const long ReleaseUs = 3_000;

    private long _coilChangedUs;

    /// <summary>A relay called <paramref name="name"/>.</summary>
    public SimRelay(string name) => Name = name;

    /// <summary>Name, e.g. "PHANTOM1".</summary>
    public string Name { get; }

    /// <summary>True while the coil is energised.</summary>
    public bool Coil { get; private set; }

    /// <summary>True while the contact is closed.</summary>
    public bool Contact { get; private set; }

    /// <summary>Board time of the last contact change, µs.</summary>
    public long ContactChangedUs { get; private set; } = long.MinValue / 2;

    /// <summary>Contact operations so far.</summary>
    public int Operations { get; private set; }

    /// <summary>Raised when the contact moves (new state).</summary>
    public event Action<bool> ContactChanged;

    /// <summary>Board time at which the contact will follow the coil, µs (long.MaxValue when it already does).</summary>
    public long NextChangeUs => Coil == Contact ? long.MaxValue : _coilChangedUs + (Coil ? OperateUs : ReleaseUs);

    internal void SetCoil(bool on, long nowUs)
    {
        if (on == Coil) return;
        Coil = on;
        _coilChangedUs = nowUs;
    }

    internal void Step(long nowUs)
    {
        if (Coil == Contact) return;
        long delay = Coil ? OperateUs : ReleaseUs;
        if (nowUs - _coilChangedUs >= delay)
        {
            Contact = Coil;
            ContactChangedUs = _coilChangedUs + delay;
            Operations++;
            ContactChanged?.Invoke(Contact);
        }
    }
}

/// <summary>
/// The +48 V feed of one channel: the soft-start ramps the rail in about <see cref="RampUs"/>, and the
/// imbalance of the feed resistors and coupling capacitors turns each switching into a differential thump
/// at the preamp input that decays with <see cref="ThumpTimeConstantUs"/>.
/// </summary>
public sealed class PhantomSupply
{
    /// <summary>Soft-start ramp time, µs (RC soft-start, see hardware/notes/phantom-soft-start.md).</summary>
    public const long RampUs = 800_000;
    /// <summary>Peak differential thump at the input, volts (0.1 % mismatch on a 48 V edge, after the ramp).</summary>
    public const double ThumpVolts = 0.04;
    /// <summary>Decay of the thump, µs.</summary>
    public const long ThumpTimeConstantUs = 80_000;

    private readonly SimRelay _relay;

    internal PhantomSupply(SimRelay relay) => _relay = relay;

    /// <summary>Open-circuit phantom voltage of the supply, volts (IEC 61938 P48: 48 V ± 4 V).</summary>
    public const double NominalVolts = 48.0;

    /// <summary>
    /// Volts on XLR pins 2 and 3 against pin 1 at a time, with no load (a meter's 10 MΩ): the soft-start's ramp after the
    /// relay closes, the feed resistors' discharge after it opens.
    /// </summary>
    public double PinVolts(long nowUs)
    {
        long dt = nowUs - _relay.ContactChangedUs;
        if (_relay.Operations == 0 || dt < 0) return _relay.Contact ? NominalVolts : 0;
        double settle = Math.Exp(-dt / (RampUs / 5.0));
        return _relay.Contact ? NominalVolts * (1 - settle) : NominalVolts * settle * (dt < 20 * RampUs ? 1 : 0);
    }

    /// <summary>Differential transient injected at the input at a time, volts.</summary>
    public double Transient(long nowUs)
    {
        long dt = nowUs - _relay.ContactChangedUs;
        if (dt < 0 || dt > 20 * ThumpTimeConstantUs || _relay.Operations == 0) return 0;
        double sign = _relay.Contact ? 1 : -1;
        // Rises with the soft-start, then decays.
        double rise = 1 - Math.Exp(-dt / (RampUs / 8.0));
        return sign * ThumpVolts * rise * Math.Exp(-dt / (double)ThumpTimeConstantUs);
    }
}
