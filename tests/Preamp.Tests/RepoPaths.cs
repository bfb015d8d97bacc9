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
