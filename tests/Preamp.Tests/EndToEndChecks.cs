// The end-to-end checks: real third-party clients (PyVISA, pyserial, numpy, sox, socat, PulseAudio) against the
// `preamp sim` process, as users run them. Each check is its own test class, so xunit runs them side by side: they
// spend most of their time waiting on the board's real-time link, not on the processor.
using System.IO;
using Xunit;

namespace PreampFirmware.DesktopTests;

/// <summary>Runs one of tests/e2e/*.py against the built preamp tool and fails with its output.</summary>
internal static class EndToEnd
{
    public static void Run(string script, string success)
    {
        string dll = Tools.BuiltDll(Path.Combine("host", "Preamp.Cli"), "preamp.dll");
        string work = Directory.CreateTempSubdirectory("preamp-e2e").FullName;
        try
        {
            string output = Tools.Run(PythonClientsFactAttribute.Python, RepoPaths.Combine("tests", "e2e"), 400_000,
                script, "--preamp", "dotnet " + dll, "--workdir", work);
            Assert.Contains(success, output);
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }
}

[Trait(RealTime.Category, RealTime.Name), TakesSeconds(16)]
public sealed class PyVisaPySerialAndNumpyAgainstThePreampSimProcess
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("host_link_check.py", "all host link checks passed");
}

[Trait(RealTime.Category, RealTime.Name), TakesSeconds(18)]
public sealed class ChannelControlAndPanelThroughAVisaClient
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("channel_control_check.py", "all channel control checks passed");
}

[Trait(RealTime.Category, RealTime.Name), TakesSeconds(150)]
public sealed class CalibrationOfASeed7BoardThroughTheToolAndAVisaClient
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("calibration_check.py", "all calibration checks passed");
}

[Trait(RealTime.Category, RealTime.Name), TakesSeconds(16)]
public sealed class AutoGainClipSafeAndCompensationThroughAVisaClient
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("auto_gain_check.py", "all auto gain checks passed");
}

    /// <summary>
    /// Rev B from outside: a 60 s capture at 48 kHz over the pseudo-terminal that sox reads back as 48000 Hz, 2 channels,
    /// 24-bit, 60.00 s with nothing lost; tones from 20 Hz to 20 kHz within ±0.2 dB; a 30 kHz tone folded to 18 kHz at
    /// least 60 dB down; a board too slow for its rate whose DMA losses the host fills exactly.
    /// </summary>
[Trait(RealTime.Category, RealTime.Name), TakesSeconds(65)]
public sealed class RevBRecordsFlat24Bit48kAndAccountsForEveryDroppedFrame
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("rev_b_check.py", "all rev B checks passed");
}

    /// <summary>SIMulation:FAULt from PyVISA: each fault injected, reported as a board shows it, cleared; later sessions start clean.</summary>
[Trait(RealTime.Category, RealTime.Name), TakesSeconds(24)]
public sealed class EveryFaultCanBeInjectedAndClearedFromAVisaClient
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("fault_check.py", "all fault checks passed");
}

    /// <summary>
    /// The board as a desktop input: a real PulseAudio daemon sees the source `preamp` while `preamp source` runs, parec
    /// records the tone at the level the alignment predicts; capture to standard output pipes into sox as FLAC.
    /// </summary>
[Trait(RealTime.Category, RealTime.Name), TakesSeconds(23)]
public sealed class TheBoardIsADesktopInputAndCapturesPipe
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("desktop_audio_check.py", "all desktop audio checks passed");
}

    /// <summary>
    /// IEEE 488.2 status from PyVISA: *ESR? bits from their causes, *ESE/*SRE/*STB?, a failing query that answers nothing
    /// with its error queued and its bit set, MIN/MAX/DEF, ASCII errors, PON after a restart only for the sessions that saw it.
    /// </summary>
[Trait(RealTime.Category, RealTime.Name), TakesSeconds(3)]
public sealed class StatusReportingAsAVisaScriptUsesIt
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("status_check.py", "all status checks passed");
}

    /// <summary>
    /// Nothing silent, nothing stuck, from outside: socat and a half-closed socket get their answers; a capture during which
    /// the converter stopped exits 1 with the board's -240 and CONVERTER; captures over --link-errors 1e-5 (TCP and the
    /// pseudo-terminal) and through 2 s of LINK,DAMAGE run their whole length, exit 2, with every filled range a cue point
    /// and a line of take.wav.gaps.json, and sox reads them; a raw client that stops reading for 30 s finds every frame
    /// accounted for; the panel says rev B; the README's first example prints a settled meter.
    /// </summary>
[Trait(RealTime.Category, RealTime.Name), TakesSeconds(100)]
public sealed class NothingSilentNothingStuckWithRealClients
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("nothing_silent_check.py", "all nothing-silent checks passed");
}

/// <summary>
/// One board, every tool at once: `preamp hub` on the simulator's pseudo-terminal; the panel in headless Chromium,
/// `preamp source` with parec, an 8 s capture, a capture paused 4 s with SIGSTOP and a PyVISA script all at the same
/// time. The capture is whole with nothing lost, parec hears input 1 at the capture's level, the panel shows PyVISA's
/// gain, PyVISA's queue holds only its own error, the paused capture reports exactly the blocks the hub dropped for it,
/// and a second hub on the port exits 1 in one line naming the first. (The 30 s / 20 s: see the script.)
/// </summary>
[Trait(RealTime.Category, RealTime.Name), TakesSeconds(20)]
public sealed class EveryToolAtOnceThroughTheHub
{
    [PythonClientsFact]
    public void Passes() => EndToEnd.Run("hub_check.py", "all hub checks passed");
}
