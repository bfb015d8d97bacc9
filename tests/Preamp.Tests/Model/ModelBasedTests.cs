// Random sequences of commands, sessions, panel use, source changes, faults and power cuts, checked against a model.
using System;
using CsCheck;
using PreampFirmware.ModelCheck;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ModelBasedTests
{
    /// <summary>
    /// A few thousand steps per run: 40 sequences of 40 to 80. PREAMP_MODEL_SEQUENCES sets another count (tools/mutation.py
    /// runs 10 against each mutant, to keep a mutation run of the whole firmware within a couple of hours).
    /// </summary>
    [Fact]
    public void TheBoardAgreesWithTheModelAfterEveryStep()
    {
        int sequences = int.TryParse(Environment.GetEnvironmentVariable("PREAMP_MODEL_SEQUENCES"), out int n) && n > 0 ? n : 40;
        BoardModelCheck.Sequences.Sample(sequence => new BoardModelCheck().Run(sequence), iter: sequences, threads: 2,
                                          print: sequence => string.Join(", ", sequence));
    }
}
