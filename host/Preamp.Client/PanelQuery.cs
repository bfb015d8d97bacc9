// What a control panel asks the board on every poll, and how its answer line comes apart.
using System.Collections.Generic;
using System.Text;

namespace PreampFirmware.Client;

/// <summary>
/// The panel's poll: the whole state in one query (<c>SYSTem:STATe?</c>, see <see cref="Host.StateQuery"/>), the
/// connection's next error, and, when the panel cannot meter the stream itself, both levels. One short line: on the
/// board's interpreter every command of a line costs a lookup and an answer, and a panel polls 25 times a second.
/// </summary>
public static class PanelQuery
{
    /// <summary>The poll while the panel meters from the stream.</summary>
    public const string WhileStreaming = "SYST:STAT?;:SYST:ERR?";

    /// <summary>The poll while it meters from MEASure:LEVel?.</summary>
    public const string WithLevels = WhileStreaming + ";:MEAS:LEV? 1;:MEAS:LEV? 2";

    /// <summary>Splits an answer line at the semicolons between answers, not at those inside quoted strings.</summary>
    public static string[] SplitAnswers(string line)
    {
        var answers = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            if (c == ';' && !quoted)
            {
                answers.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        answers.Add(current.ToString());
        return answers.ToArray();
    }
}
