#!/usr/bin/env python3
# Regenerates the nanoFramework project files (.nfproj, packages.config, PreampFirmware.nanoFramework.sln) from the
# source folders, so their compile lists match what the desktop build compiles. Run from the repository root.
import os, uuid, glob
PK = {
 "core": ("nanoFramework.CoreLibrary","1.17.11","mscorlib"),
 "events": ("nanoFramework.Runtime.Events","1.11.37","nanoFramework.Runtime.Events"),
 "gpio": ("nanoFramework.System.Device.Gpio","1.1.62","System.Device.Gpio"),
 "spi": ("nanoFramework.System.Device.Spi","1.3.89","System.Device.Spi"),
 "ports": ("nanoFramework.System.IO.Ports","1.1.139","System.IO.Ports"),
 "esp32": ("nanoFramework.Hardware.Esp32","1.6.42","nanoFramework.Hardware.Esp32"),
 "fs": ("nanoFramework.System.IO.FileSystem","1.1.93","System.IO.FileSystem"),
 "streams": ("nanoFramework.System.IO.Streams","1.1.96","System.IO.Streams"),
 "math": ("nanoFramework.System.Math","1.5.116","System.Math"),
 "tf": ("nanoFramework.TestFramework","3.0.77","nanoFramework.TestFramework"),
 "i2s": ("nanoFramework.System.Device.I2s","1.0.28","System.Device.I2s"),
 "hashing": ("nanoFramework.System.IO.Hashing","1.0.40","nanoFramework.System.IO.Hashing"),
 "text": ("nanoFramework.System.Text","1.3.42","nanoFramework.System.Text"),
}
def rel(frm, to): return os.path.relpath(to, frm).replace("/", "\\")
def ci(f,l): return '    <Compile Include="%s"%s />' % (f, (' Link="%s"' % l) if l else '')
def nfproj(path, asm, rootns, outtype, files, pkgs, projrefs, test=False, comment=""):
    d = os.path.dirname(path)
    pkgroot = rel(d, "packages")
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, "preampfirmware/"+asm)).upper()
    refs = []
    for k in pkgs:
        pid, ver, dll = PK[k]
        refs.append('    <Reference Include="%s">\n      <HintPath>%s\\%s.%s\\lib\\%s.dll</HintPath>\n      <Private>True</Private>\n    </Reference>' % (dll, pkgroot, pid, ver, dll))
    if test:
        refs.append('    <Reference Include="nanoFramework.UnitTestLauncher">\n      <HintPath>%s\\nanoFramework.TestFramework.3.0.77\\lib\\nanoFramework.UnitTestLauncher.exe</HintPath>\n      <Private>True</Private>\n    </Reference>' % pkgroot)
    comp = "\n".join(ci(f,l) for f,l in files)
    prefs = "\n".join('    <ProjectReference Include="%s" />' % p for p in projrefs)
    testcap = '  <ItemGroup>\n    <ProjectCapability Include="TestContainer" />\n  </ItemGroup>\n' if test else ""
    testprops = '    <IsCodedUITest>False</IsCodedUITest>\n    <IsTestProject>true</IsTestProject>\n    <TestProjectType>UnitTest</TestProjectType>\n' if test else ""
    tt = pkgroot + "\\nanoFramework.TestFramework.3.0.77\\build\\nanoFramework.TestFramework.targets"
    testimport = ('  <Import Project="%s" Condition="Exists(\'%s\')" />\n' % (tt, tt)) if test else ""
    P = "$(NanoFrameworkProjectSystemPath)"
    text = '<?xml version="1.0" encoding="utf-8"?>\n<!-- ' + comment + ' -->\n'
    text += '<Project ToolsVersion="Current" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">\n'
    text += testcap
    text += '  <PropertyGroup Label="Globals">\n    <NanoFrameworkProjectSystemPath>$(MSBuildExtensionsPath)\\nanoFramework\\v1.0\\</NanoFrameworkProjectSystemPath>\n  </PropertyGroup>\n'
    text += '  <Import Project="%sNFProjectSystem.Default.props" Condition="Exists(\'%sNFProjectSystem.Default.props\')" />\n' % (P, P)
    text += '  <PropertyGroup>\n'
    text += "    <Configuration Condition=\" '$(Configuration)' == '' \">Debug</Configuration>\n"
    text += "    <Platform Condition=\" '$(Platform)' == '' \">AnyCPU</Platform>\n"
    text += '    <ProjectTypeGuids>{11A8DD76-328B-46DF-9F39-F559912D0360};{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}</ProjectTypeGuids>\n'
    text += '    <ProjectGuid>{%s}</ProjectGuid>\n' % guid
    text += '    <OutputType>%s</OutputType>\n    <AppDesignerFolder>Properties</AppDesignerFolder>\n    <FileAlignment>512</FileAlignment>\n' % outtype
    text += '    <RootNamespace>%s</RootNamespace>\n    <AssemblyName>%s</AssemblyName>\n' % (rootns, asm)
    text += testprops
    text += '    <TargetFrameworkVersion>v1.0</TargetFrameworkVersion>\n'
    text += '    <!-- The portable code is written in C# 9.0 (the nanoFramework project system default), stated so it cannot drift. -->\n'
    text += '    <LangVersion>9.0</LangVersion>\n  </PropertyGroup>\n'
    text += '  <Import Project="%sNFProjectSystem.props" Condition="Exists(\'%sNFProjectSystem.props\')" />\n' % (P, P)
    text += '  <ItemGroup>\n' + comp + '\n  </ItemGroup>\n'
    text += '  <ItemGroup>\n' + "\n".join(refs) + '\n  </ItemGroup>\n'
    text += '  <ItemGroup>\n    <None Include="packages.config" />\n  </ItemGroup>\n'
    if projrefs: text += '  <ItemGroup>\n' + prefs + '\n  </ItemGroup>\n'
    text += '  <Import Project="%sNFProjectSystem.CSharp.targets" Condition="Exists(\'%sNFProjectSystem.CSharp.targets\')" />\n' % (P, P)
    text += testimport
    text += '  <ProjectExtensions>\n    <ProjectCapabilities>\n      <ProjectConfigurationsDeclaredAsItems />\n    </ProjectCapabilities>\n  </ProjectExtensions>\n</Project>\n'
    open(path, "w").write(text)
    pc = ['<?xml version="1.0" encoding="utf-8"?>', '<packages>']
    for k in pkgs:
        pid, ver, _ = PK[k]
        pc.append('  <package id="%s" version="%s" targetFramework="netnano1.0" />' % (pid, ver))
    pc.append('</packages>')
    open(os.path.join(d, "packages.config"), "w").write("\n".join(pc) + "\n")
    return guid

def srcs(d):
    out=[]
    for f in sorted(glob.glob(d+"/**/*.cs", recursive=True)):
        if "/obj/" in f or "/bin/" in f: continue
        out.append((os.path.relpath(f, d).replace("/", "\\"), None))
    return out

def asminfo(d, title, desc):
    os.makedirs(d+"/Properties", exist_ok=True)
    p = d+"/Properties/AssemblyInfo.cs"
    if os.path.exists(p): return
    open(p,"w").write('''// Assembly attributes for the nanoFramework build (SDK-style builds generate their own).
using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("%s")]
[assembly: AssemblyDescription("%s")]
[assembly: AssemblyCompany("PreampFirmware")]
[assembly: AssemblyProduct("PreampFirmware")]
[assembly: AssemblyCopyright("PreampFirmware contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
''' % (title, desc))

asminfo("hal/Preamp.Hal","PreampFirmware.Hal","HAL interfaces and the board rev B pin map")
asminfo("firmware/Preamp.Firmware","PreampFirmware","Preamp firmware core")
asminfo("hal/Preamp.Hal.Esp32","PreampFirmware.Hal.Esp32","ESP32 adapters of the HAL")
asminfo("firmware/PreampApp","PreampApp","nanoFramework application for board rev B")
os.makedirs("tests/NFUnitTest", exist_ok=True)
asminfo("tests/NFUnitTest","NFUnitTest","Portable tests of the firmware core, on a board or the nanoFramework emulator")

g_hal = nfproj("hal/Preamp.Hal/Preamp.Hal.nfproj","PreampFirmware.Hal","PreampFirmware.Hal","Library",
  srcs("hal/Preamp.Hal"), ["core"], [], comment="nanoFramework build of the portable HAL interfaces (same sources as Preamp.Hal.csproj).")
g_fw = nfproj("firmware/Preamp.Firmware/Preamp.Firmware.nfproj","PreampFirmware","PreampFirmware","Library",
  srcs("firmware/Preamp.Firmware"), ["core","math","text"], ["..\\..\\hal\\Preamp.Hal\\Preamp.Hal.nfproj"], comment="nanoFramework build of the portable firmware core (same sources as Preamp.Firmware.csproj).")
g_esp = nfproj("hal/Preamp.Hal.Esp32/Preamp.Hal.Esp32.nfproj","PreampFirmware.Hal.Esp32","PreampFirmware.Hal.Esp32","Library",
  srcs("hal/Preamp.Hal.Esp32"), ["core","events","gpio","spi","ports","esp32","streams","fs","i2s","hashing"], ["..\\Preamp.Hal\\Preamp.Hal.nfproj"], comment="ESP32 adapters of the HAL (nanoFramework only; type-checked in CI by tests/Preamp.Esp32.CompileCheck).")
g_app = nfproj("firmware/PreampApp/PreampApp.nfproj","PreampApp","PreampFirmware.App","Exe",
  srcs("firmware/PreampApp"), ["core","events","gpio","spi","ports","esp32","streams","fs","i2s","hashing","math","text"], ["..\\..\\hal\\Preamp.Hal\\Preamp.Hal.nfproj","..\\..\\hal\\Preamp.Hal.Esp32\\Preamp.Hal.Esp32.nfproj","..\\Preamp.Firmware\\Preamp.Firmware.nfproj"], comment="The app deployed to the ESP32-S3: wires the rev B adapters to the firmware.")
tests = [("..\\Preamp.PortableTests\\" + os.path.basename(p), os.path.basename(p)) for p in sorted(glob.glob("tests/Preamp.PortableTests/*.cs"))]
tests.append(("Properties\\AssemblyInfo.cs", None))
g_t = nfproj("tests/NFUnitTest/NFUnitTest.nfproj","NFUnitTest","PreampFirmware.Tests","Library",
  tests, ["core","math","text","tf"], ["..\\..\\hal\\Preamp.Hal\\Preamp.Hal.nfproj","..\\..\\firmware\\Preamp.Firmware\\Preamp.Firmware.nfproj"], test=True, comment="The portable tests (tests/Preamp.PortableTests) on a board or in the nanoFramework emulator; tests/Preamp.Tests runs the same files on the desktop.")
projs=[("Preamp.Hal","hal\\Preamp.Hal\\Preamp.Hal.nfproj",g_hal),("Preamp.Firmware","firmware\\Preamp.Firmware\\Preamp.Firmware.nfproj",g_fw),("Preamp.Hal.Esp32","hal\\Preamp.Hal.Esp32\\Preamp.Hal.Esp32.nfproj",g_esp),("PreampApp","firmware\\PreampApp\\PreampApp.nfproj",g_app),("NFUnitTest","tests\\NFUnitTest\\NFUnitTest.nfproj",g_t)]
T="11A8DD76-328B-46DF-9F39-F559912D0360"
lines=["","Microsoft Visual Studio Solution File, Format Version 12.00","# Visual Studio Version 17","VisualStudioVersion = 17.0.31903.59","MinimumVisualStudioVersion = 10.0.40219.1"]
for n,p,g in projs:
    lines.append('Project("{%s}") = "%s", "%s", "{%s}"' % (T,n,p,g)); lines.append("EndProject")
lines += ["Global","\tGlobalSection(SolutionConfigurationPlatforms) = preSolution","\t\tDebug|Any CPU = Debug|Any CPU","\t\tRelease|Any CPU = Release|Any CPU","\tEndGlobalSection","\tGlobalSection(ProjectConfigurationPlatforms) = postSolution"]
for n,p,g in projs:
    for c in ("Debug","Release"):
        lines.append("\t\t{%s}.%s|Any CPU.ActiveCfg = %s|Any CPU" % (g,c,c))
        lines.append("\t\t{%s}.%s|Any CPU.Build.0 = %s|Any CPU" % (g,c,c))
        if n == "PreampApp": lines.append("\t\t{%s}.%s|Any CPU.Deploy.0 = %s|Any CPU" % (g,c,c))
lines += ["\tEndGlobalSection","EndGlobal"]
open("PreampFirmware.nanoFramework.sln","w").write("\r\n".join(lines)+"\r\n")
