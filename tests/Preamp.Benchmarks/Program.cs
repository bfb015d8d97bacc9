using System;
using System.Diagnostics;
using PreampFirmware.SimHost;
var r = new SimRunner();
var port = r.OpenPort(out _);
var cmd = System.Text.Encoding.ASCII.GetBytes("STR:RATE 32000\n");
port.Baud = 12_000_000;
port.HostWrite(cmd, 0, cmd.Length); r.RunFor(0.1);
cmd = System.Text.Encoding.ASCII.GetBytes("SIM:SOUR1 SINE,1000,-40;:STR:STAR\n");
port.HostWrite(cmd, 0, cmd.Length); r.RunFor(0.1);
var buf = new byte[1 << 20];
var sw = Stopwatch.StartNew();
for (int i = 0; i < 200; i++) { r.RunFor(0.1); while (port.HostRead(buf, 0, buf.Length) > 0) { } }
Console.WriteLine($"20 s simulated in {sw.Elapsed.TotalSeconds:F3} s wall: factor {20 / sw.Elapsed.TotalSeconds:F1}; frames {r.Firmware.Stream.FramesSent} dropped {r.Firmware.Stream.FramesDropped}");
