// The board's lasting conditions (SYSTem:CONDition?) in words for a person.
using System;
using System.Linq;

namespace PreampFirmware.Client;

/// <summary>SYSTem:CONDition? as the tool says it.</summary>
public static class BoardConditionText
{
    /// <summary>
    /// What is wrong, and apart from it the converter's control-port framing when the board found another than the
    /// documented one at start-up (ADCMODE1, ADCRWMSB: the board works, but its builder should know).
    /// </summary>
    public static string Describe(string condition)
    {
        var names = condition == "NONE" ? Array.Empty<string>() : condition.Split(',');
        var faults = names.Where(n => n is not ("ADCMODE1" or "ADCRWMSB")).ToArray();
        string text = faults.Length == 0 ? "no faults" : string.Join(", ", faults).ToLowerInvariant() + " (see `preamp scpi \"*TST?\"`)";
        if (faults.Length < names.Length)
        {
            text += "; the PCM1863 answers in SPI mode " + (names.Contains("ADCMODE1") ? "1" : "0") + ", R/W in the address byte's " +
                    (names.Contains("ADCRWMSB") ? "MSB" : "LSB") + ", not the framing the driver documents (found at start-up; `preamp bringup` says more)";
        }
        return text;
    }
}
