// Did the board restart? IEEE 488.2's power-on bit (PON, *ESR? bit 7), as the host tool reads it.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace PreampFirmware.Client;

/// <summary>
/// The board sets PON in the event register of every connection that was there when it powered on (its own UART from
/// power-on, and every connection that stayed through a restart), and of no other. Reading *ESR? clears the register.
/// </summary>
public static class BoardRestart
{
    /// <summary>PON, bit 7 of *ESR?.</summary>
    public const int PowerOnBit = 128;

    /// <summary>What the tool says when PON is set.</summary>
    public const string Notice = "the board restarted (power-on bit in *ESR?): what was not saved yet went back to the last saved state";

    /// <summary>Reads *ESR? (which clears it) and returns <see cref="Notice"/> when PON is set, else null.</summary>
    public static string Check(PreampLink link)
    {
        return int.TryParse(link.Query("*ESR?"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int esr) ? Describe(esr) : null;
    }

    /// <summary><see cref="Notice"/> when <paramref name="esr"/> has PON, else null.</summary>
    public static string Describe(int esr) => (esr & PowerOnBit) != 0 ? Notice : null;

    /// <summary>True when the user's own lines read or clear the event register: then the tool leaves it to them.</summary>
    public static bool LinesUseEventRegister(IEnumerable<string> lines) =>
        lines.Any(l => l.Contains("*ESR", StringComparison.OrdinalIgnoreCase) || l.Contains("*CLS", StringComparison.OrdinalIgnoreCase));
}
