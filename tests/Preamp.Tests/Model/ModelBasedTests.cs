// Random sequences of commands, sessions, panel use, source changes, faults and power cuts, checked against a model.
using CsCheck;
using PreampFirmware.ModelCheck;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ModelBasedTests
{
    /// <summary>A few thousand steps per run: 40 sequences of 40 to 80.</summary>
    [Fact]
    public void TheBoardAgreesWithTheModelAfterEveryStep()
    {
        BoardModelCheck.Sequences.Sample(sequence => new BoardModelCheck().Run(sequence), iter: 40, threads: 2,
                                          print: sequence => string.Join(", ", sequence));
    }
}
