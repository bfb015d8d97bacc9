// Locates the repository from the test binaries, so tests can read sources and docs.
using System;
using System.IO;

namespace PreampFirmware.DesktopTests;

public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "PreampFirmware.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PreampFirmware.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => s_root.Value;

    public static string Combine(params string[] parts) => Path.Combine(Root, Path.Combine(parts));
}

/// <summary>Runs the project's built tools and real clients as separate processes, as a user would.</summary>
public static class Tools
{
    /// <summary>Path of a built project's dll, in the configuration the tests were built in.</summary>
    public static string BuiltDll(string projectDirectory, string dllName)
    {
        string config = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        string dll = RepoPaths.Combine(projectDirectory, "bin", config, "net10.0", dllName);
        Xunit.Assert.True(File.Exists(dll), dll + " is built with the tests");
        return dll;
    }

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> and returns its standard output and error;
    /// fails the test on a timeout or a non-zero exit, with what it printed.
    /// </summary>
    public static string Run(string program, string workingDirectory, int timeoutMs, params string[] arguments)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory != null) psi.WorkingDirectory = workingDirectory;
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Xunit.Assert.True(p.WaitForExit(timeoutMs), "timed out:\n" + output);
        output += stderr.Result;
        Xunit.Assert.True(p.ExitCode == 0, output);
        return output;
    }

    /// <summary>Runs <paramref name="program"/> with stdin redirected (empty, not a terminal); returns its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) RunWithoutTerminal(string program, int timeoutMs, params string[] arguments)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Xunit.Assert.True(p.WaitForExit(timeoutMs), "timed out:\n" + output);
        return (p.ExitCode, output + stderr.Result);
    }
}
