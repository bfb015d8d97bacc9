// `figures [prefix]` prints the measured figures (those whose name starts with prefix); anything else goes to BenchmarkDotNet.
using System;
using BenchmarkDotNet.Running;
using PreampFirmware.Benchmarks;

if (args.Length > 0 && args[0] == "figures") return Figures.Run(args.Length > 1 ? args[1] : null);
BenchmarkSwitcher.FromAssembly(typeof(Figures).Assembly).Run(args);
return 0;
