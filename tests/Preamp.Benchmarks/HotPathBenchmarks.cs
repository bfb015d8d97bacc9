// BenchmarkDotNet benchmarks of the hot paths: the board with its firmware, the device streaming path, the host decoder, the SCPI parser.
using System;
using System.Text;
using BenchmarkDotNet.Attributes;
using PreampFirmware.Client;
using PreampFirmware.Scpi;
using PreampFirmware.SimHost;

namespace PreampFirmware.Benchmarks;

[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private SimRunner _runner;
    private byte[] _stream;
    private ScpiSession _session;
    private Action _deviceBlocks;
    private readonly byte[] _line = Encoding.ASCII.GetBytes("inp1:gain 30;:INPut1:GAIN?;:MEASure:LEVel? 1\n");

    [GlobalSetup]
    public void Setup()
    {
        _runner = new SimRunner();
        var port = _runner.OpenPort(out _);
        Figures.Send(port, "SIM:SOUR1 SINE,1000,-30;:STR:RATE 48000;:STR:STAR");
        _runner.RunFor(0.5);
        var buf = new byte[1 << 20];
        int n = port.HostRead(buf, 0, buf.Length);
        _stream = buf.AsSpan(0, n).ToArray();
        _session = new ScpiSession(_runner.Firmware.Hosts.Commands, null);
        _deviceBlocks = Figures.DeviceStreamingPath(out _).Round;
    }

    /// <summary>The device-side streaming path (an instant converter, a null link), 1000 blocks of Preamp.FramesPerBlock frames.</summary>
    [Benchmark]
    public void DeviceThousandBlocks() => _deviceBlocks();

    /// <summary>The simulated board plus firmware, 10 ms at 48 kS/s streaming.</summary>
    [Benchmark]
    public void BoardTenMilliseconds() => _runner.RunFor(0.01);

    /// <summary>The host decoder over 0.5 s of stream.</summary>
    [Benchmark]
    public int DecodeHalfSecond()
    {
        var d = new StreamDecoder();
        int frames = 0;
        d.Block += b => frames += b.Frames;
        d.Feed(_stream, 0, _stream.Length);
        return frames;
    }

    /// <summary>One chained SCPI line with two queries.</summary>
    [Benchmark]
    public string ScpiLine() => _session.ExecuteLine("inp1:gain 30;:INPut1:GAIN?;:MEASure:LEVel? 1");
}
