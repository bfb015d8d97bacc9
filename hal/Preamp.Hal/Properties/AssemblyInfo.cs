// Assembly attributes for the nanoFramework build (SDK-style builds generate their own).
using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("PreampFirmware.Hal")]
[assembly: AssemblyDescription("HAL interfaces and the board rev B pin map")]
[assembly: AssemblyCompany("PreampFirmware")]
[assembly: AssemblyProduct("PreampFirmware")]
[assembly: AssemblyCopyright("PreampFirmware contributors")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
