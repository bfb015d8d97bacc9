// The browser panel refuses what another site's page can make a browser send, before anything reaches the board.
using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace PreampFirmware.DesktopTests;

/// <summary>
/// `preamp --sim ui` on loopback, attacked with curl the way a hostile page would: its own name rebound to 127.0.0.1
/// (a foreign Host), or a request carrying its Origin. Neither may switch phantom power; the panel's own requests may.
/// </summary>
public class PanelSafetyTests : IDisposable
{
    private readonly Process _ui;
    private readonly int _port;
    private const string PhantomOn = "{\"input\":1,\"control\":\"phantom\",\"value\":true,\"confirm\":true}";

    public PanelSafetyTests()
    {
        string dll = Tools.BuiltDll(Path.Combine("host", "Preamp.Cli"), "preamp.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--sim", "ui", "--listen", "127.0.0.1:0", "--seconds", "120" }) psi.ArgumentList.Add(a);
        _ui = Process.Start(psi)!;
        for (string line; (line = _ui.StandardOutput.ReadLine()) != null;)
        {
            if (line.StartsWith("panel ", StringComparison.Ordinal)) _port = new Uri(line.Substring(6)).Port;
            if (line.StartsWith("ready", StringComparison.Ordinal)) break;
        }
        Assert.True(_port > 0, "preamp ui --sim started");
    }

    public void Dispose()
    {
        if (!_ui.HasExited) _ui.Kill(true);
        _ui.Dispose();
    }

    /// <summary>POSTs the phantom command with curl and the given headers; returns the HTTP status and the body.</summary>
    private (int Status, string Body) Post(params string[] headers)
    {
        var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data", PhantomOn })
            psi.ArgumentList.Add(a);
        foreach (var h in headers) { psi.ArgumentList.Add("-H"); psi.ArgumentList.Add(h); }
        psi.ArgumentList.Add("http://127.0.0.1:" + _port + "/api/command");
        using var curl = Process.Start(psi)!;
        string output = curl.StandardOutput.ReadToEnd();
        curl.WaitForExit(10_000);
        int cut = output.LastIndexOf('\n');
        return (int.Parse(output.Substring(cut + 1)), output.Substring(0, cut));
    }

    private string State()
    {
        var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-s", "http://127.0.0.1:" + _port + "/api/state" }) psi.ArgumentList.Add(a);
        using var curl = Process.Start(psi)!;
        string s = curl.StandardOutput.ReadToEnd();
        curl.WaitForExit(10_000);
        return s;
    }

    [Fact]
    public void AForeignHostOrAForeignOriginCannotSwitchPhantomTheRightOnesCan()
    {
        var rebound = Post("Host: attacker.example:" + _port);
        Assert.Equal(403, rebound.Status);
        Assert.Contains("attacker.example", rebound.Body);
        var foreign = Post("Origin: http://attacker.example");
        Assert.Equal(403, foreign.Status);
        var otherPort = Post("Origin: http://127.0.0.1:1");                    // another server on this computer
        Assert.Equal(403, otherPort.Status);
        Assert.DoesNotContain("\"phantom\":true", State());
        var own = Post("Origin: http://127.0.0.1:" + _port);
        Assert.Equal(200, own.Status);
        Assert.Contains("\"phantom\":true", own.Body);
        var local = Post("Host: localhost:" + _port);
        Assert.Equal(200, local.Status);
    }
}
