// Assembly attributes for the nanoFramework build (SDK-style builds generate their own).
using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("PreampApp")]
[assembly: AssemblyDescription("nanoFramework application for board rev B")]
[assembly: AssemblyCompany("PreampFirmware")]
[assembly: AssemblyProduct("PreampFirmware")]
[assembly: AssemblyCopyright("PreampFirmware contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
