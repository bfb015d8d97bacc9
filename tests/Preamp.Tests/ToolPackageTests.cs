// `preamp` as a .NET tool: the package the README installs carries everything the tool runs, away from the repository.
using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ToolPackageTests
{
    /// <summary>
    /// Packs the tool from the build the tests already made (no second build), installs it into a temporary tool path
    /// from that package alone, and runs it from a directory outside the repository: `--sim status` (the firmware and the
    /// simulated board travel in the package) and `--sim ui` (the panel's page is served from the package).
    /// </summary>
    [Fact]
    public async Task ThePackedToolInstallsAndRunsOutsideTheRepository()
    {
        string config = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var temp = Directory.CreateTempSubdirectory("preamp-tool");
        try
        {
            string packages = Path.Combine(temp.FullName, "packages");
            string toolPath = Path.Combine(temp.FullName, "bin");
            string work = Directory.CreateDirectory(Path.Combine(temp.FullName, "work")).FullName;
            Tools.Run("dotnet", RepoPaths.Root, 120_000, "pack", Path.Combine("host", "Preamp.Cli"), "--no-build", "-c", config, "-o", packages);
            Assert.Single(Directory.GetFiles(packages, "PreampFirmware.Cli.*.nupkg"));

            // As the README installs it: `tool update` installs when the tool is missing; --source makes the package just
            // made the only source (nothing from the network, nothing older).
            string installed = Tools.Run("dotnet", work, 120_000, "tool", "update", "--tool-path", toolPath, "--source", packages, "PreampFirmware.Cli");
            Assert.Contains("preamp", installed);
            string preamp = Path.Combine(toolPath, "preamp");
            Assert.True(File.Exists(preamp), "the tool's command is `preamp`");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(toolPath, ".store"), "libSkiaSharp.so", SearchOption.AllDirectories));   // calibration reports draw with it

            string status = Tools.Run(preamp, work, 60_000, "--sim", "status");
            Assert.Contains("PreampFirmware,PA2-REVB (simulated)", status);
            Assert.Contains("board: no faults", status);

            var psi = new ProcessStartInfo(preamp) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "--sim", "ui", "--listen", "127.0.0.1:0", "--seconds", "60" }) psi.ArgumentList.Add(a);
            using var ui = Process.Start(psi)!;
            try
            {
                string url = null;
                for (string line; url == null && (line = ui.StandardOutput.ReadLine()) != null;)
                {
                    if (line.StartsWith("panel ", StringComparison.Ordinal)) url = line.Substring(6).Trim();
                }
                Assert.True(url != null, "preamp ui printed its address");
                using var http = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
                string page = await http.GetStringAsync(url + "/");
                Assert.Contains("<title>PreampFirmware</title>", page);
                Assert.Contains("control panel", await http.GetStringAsync(url + "/app.js"));
            }
            finally
            {
                if (!ui.HasExited) ui.Kill(true);
            }
        }
        finally
        {
            temp.Delete(true);
        }
    }
}
