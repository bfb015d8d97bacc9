// A simulated board behind a transport that runs in virtual time: each read moves the board on by 5 ms.
using System;
using System.Threading;
using PreampFirmware.Client;
using PreampFirmware.Scpi;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;

namespace PreampFirmware.DesktopTests;

/// <summary>
/// The host library against the simulated board without the wall clock: the link's reader thread is the only one that
/// moves board time, 5 ms per read, so what the host sees depends on board time only.
/// </summary>
public sealed class VirtualSimTransport : IByteTransport
{
    private readonly SimSerialPort _port;
    private readonly ScpiSession _session;

    public VirtualSimTransport(SimRunner runner = null)
    {
        Runner = runner ?? new SimRunner();
        _port = Runner.OpenPort(out _session);
    }

    public SimRunner Runner { get; }

    public ScpiSession Session => _session;

    /// <summary>Called under the board's lock after each 5 ms step (a test's hand on the board).</summary>
    public Action<SimRunner> Step { get; set; }

    public string Description => "simulated board (virtual time)";

    public int Read(byte[] buffer, int offset, int count)
    {
        lock (Runner.Gate)
        {
            Runner.RunFor(0.005);
            Step?.Invoke(Runner);
        }
        return _port.HostRead(buffer, offset, count);
    }

    public void Write(byte[] buffer, int offset, int count)
    {
        while (count > 0)
        {
            int n = Math.Min(count, _port.HostRoom);
            if (n == 0) { Thread.Yield(); continue; }
            _port.HostWrite(buffer, offset, n);
            offset += n;
            count -= n;
        }
    }

    public void Dispose() => Runner.ClosePort(_session);
}
