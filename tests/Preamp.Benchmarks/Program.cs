// `figures` prints the measured figures; anything else goes to BenchmarkDotNet.
using System;
using BenchmarkDotNet.Running;
using PreampFirmware.Benchmarks;

if (args.Length > 0 && args[0] == "figures") return Figures.Run();
BenchmarkSwitcher.FromAssembly(typeof(Figures).Assembly).Run(args);
return 0;
