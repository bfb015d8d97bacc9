// Assembly attributes for the nanoFramework build (SDK-style builds generate their own).
using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("NFUnitTest")]
[assembly: AssemblyDescription("Portable tests of the firmware core, on a board or the nanoFramework emulator")]
[assembly: AssemblyCompany("PreampFirmware")]
[assembly: AssemblyProduct("PreampFirmware")]
[assembly: AssemblyCopyright("PreampFirmware contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
