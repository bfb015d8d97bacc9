// The nanoFramework project files must stay in step with the sources the desktop build compiles.
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ProjectFilesTests
{
    private static XDocument Load(string path) => XDocument.Load(RepoPaths.Combine(path));

    private static string[] CompileItems(XDocument doc) =>
        doc.Descendants().Where(e => e.Name.LocalName == "Compile").Select(e => e.Attribute("Include")!.Value.Replace('\\', '/')).ToArray();

    [Theory]
    [InlineData("hal/Preamp.Hal/Preamp.Hal.nfproj")]
    [InlineData("firmware/Preamp.Firmware/Preamp.Firmware.nfproj")]
    [InlineData("hal/Preamp.Hal.Esp32/Preamp.Hal.Esp32.nfproj")]
    [InlineData("firmware/PreampApp/PreampApp.nfproj")]
    public void NfprojListsEverySourceOfItsFolder(string nfproj)
    {
        string dir = Path.GetDirectoryName(RepoPaths.Combine(nfproj))!;
        var onDisk = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/obj/") && !p.Contains("/bin/"))
            .Select(p => Path.GetRelativePath(dir, p).Replace('\\', '/')).OrderBy(p => p).ToArray();
        var listed = CompileItems(Load(nfproj)).OrderBy(p => p).ToArray();
        Assert.Equal(onDisk, listed);
    }

    [Fact]
    public void NfUnitTestListsEverySharedPortableTest()
    {
        var onDisk = Directory.GetFiles(RepoPaths.Combine("tests", "Preamp.PortableTests"), "*.cs")
            .Select(p => "../Preamp.PortableTests/" + Path.GetFileName(p)).OrderBy(p => p).ToArray();
        var doc = Load("tests/NFUnitTest/NFUnitTest.nfproj");
        var listed = CompileItems(doc).Where(p => p.StartsWith("../Preamp.PortableTests/")).OrderBy(p => p).ToArray();
        Assert.Equal(onDisk, listed);
        Assert.Equal("NFUnitTest", doc.Descendants().Single(e => e.Name.LocalName == "AssemblyName").Value);
    }

    [Theory]
    [InlineData("hal/Preamp.Hal/Preamp.Hal.nfproj")]
    [InlineData("firmware/Preamp.Firmware/Preamp.Firmware.nfproj")]
    [InlineData("hal/Preamp.Hal.Esp32/Preamp.Hal.Esp32.nfproj")]
    [InlineData("firmware/PreampApp/PreampApp.nfproj")]
    [InlineData("tests/NFUnitTest/NFUnitTest.nfproj")]
    public void NfprojStatesCSharp9AndReferencesOnlyItsPackages(string nfproj)
    {
        var doc = Load(nfproj);
        Assert.Equal("9.0", doc.Descendants().Single(e => e.Name.LocalName == "LangVersion").Value);
        var config = XDocument.Load(Path.Combine(Path.GetDirectoryName(RepoPaths.Combine(nfproj))!, "packages.config"));
        var packages = config.Descendants("package").Select(p => p.Attribute("id")!.Value + "." + p.Attribute("version")!.Value).ToHashSet();
        foreach (var hint in doc.Descendants().Where(e => e.Name.LocalName == "HintPath").Select(e => e.Value))
        {
            var m = Regex.Match(hint.Replace('\\', '/'), @"packages/([^/]+)/lib/");
            Assert.True(m.Success, hint);
            Assert.Contains(m.Groups[1].Value, packages);
        }
    }

    [Theory]
    [InlineData("hal/Preamp.Hal/Preamp.Hal.csproj")]
    [InlineData("firmware/Preamp.Firmware/Preamp.Firmware.csproj")]
    [InlineData("tests/Preamp.PortableTests/Preamp.PortableTests.csproj")]
    [InlineData("tests/Preamp.Esp32.CompileCheck/Preamp.Esp32.CompileCheck.csproj")]
    public void DesktopBuildsOfPortableCodeUseCSharp9Too(string csproj)
    {
        Assert.Equal("9.0", Load(csproj).Descendants().Single(e => e.Name.LocalName == "LangVersion").Value);
    }
}
