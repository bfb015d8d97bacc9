// One client of a hub: its TCP connection, its sub-session number on the board, and what goes out to it.
using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace PreampFirmware.Client;

/// <summary>
/// A client of the hub. Answers to it always go out, in order; stream blocks go out while its queue holds less than the
/// hub's limit, and past it whole blocks are dropped for this client alone and counted: its decoder sees the sequence
/// gap and counts exactly those, so a client that stops reading never holds up the board or the other clients.
/// </summary>
public sealed class HubClient
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Queue<(byte[] Data, bool Block)> _queue = new();
    private readonly object _gate = new();
    private readonly int _limit;
    private long _queuedBlockBytes;
    private bool _closed;
    private readonly Thread _writer;

    internal HubClient(int number, TcpClient tcp, int limit)
    {
        Number = number;
        _tcp = tcp;
        _limit = limit;
        _tcp.NoDelay = true;
        _tcp.SendBufferSize = 64 * 1024;   // the hub's queue, not the kernel's, decides when blocks are dropped
        _stream = tcp.GetStream();
        Remote = tcp.Client.RemoteEndPoint?.ToString() ?? "?";
        Name = "client " + number + " (" + Remote.Replace(':', ' ') + ")";
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "hub client " + number + " writer" };
        _writer.Start();
    }

    /// <summary>Its sub-session number on the board (1..16).</summary>
    public int Number { get; }
    /// <summary>Its address, as the hub accepted it.</summary>
    public string Remote { get; }
    /// <summary>Its name as the board lists it (SYSTem:SESSion:NAME).</summary>
    public string Name { get; internal set; }
    /// <summary>True while it takes the stream (it sent STReam:STARt and has not stopped).</summary>
    public bool Takes { get; internal set; }
    /// <summary>True once its session was opened on the board (false for one that came while the board was away).</summary>
    public bool Opened { get; internal set; }
    /// <summary>True when it asked for the hub's notices.</summary>
    public bool Notices { get; internal set; }
    /// <summary>Stream blocks sent to it.</summary>
    public long BlocksSent { get; private set; }
    /// <summary>Stream blocks dropped for it (it did not read them in time).</summary>
    public long BlocksDropped { get; private set; }
    /// <summary>Sample frames those blocks carried.</summary>
    public long FramesDropped { get; private set; }
    /// <summary>Lines it sent while the board was away (not carried out).</summary>
    public long LinesLost { get; internal set; }
    /// <summary>The connection.</summary>
    internal NetworkStream Stream => _stream;

    /// <summary>Queues an answer line (without its LF).</summary>
    public void Answer(string line) => Enqueue(Encoding.ASCII.GetBytes(line + "\n"), false);

    /// <summary>Queues a stream block of <paramref name="frames"/> frames, or drops it for this client when its queue is full.</summary>
    public void Block(byte[] bytes, int count, int frames)
    {
        lock (_gate)
        {
            if (_closed) return;
            if (_queuedBlockBytes + count > _limit)
            {
                BlocksDropped++;
                FramesDropped += frames;
                return;
            }
            var copy = new byte[count];
            Array.Copy(bytes, copy, count);
            _queuedBlockBytes += count;
            BlocksSent++;
            _queue.Enqueue((copy, true));
            Monitor.Pulse(_gate);
        }
    }

    private void Enqueue(byte[] data, bool block)
    {
        lock (_gate)
        {
            if (_closed) return;
            _queue.Enqueue((data, block));
            Monitor.Pulse(_gate);
        }
    }

    private void WriteLoop()
    {
        while (true)
        {
            (byte[] Data, bool Block) item;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_closed) Monitor.Wait(_gate);
                if (_closed) return;
                item = _queue.Dequeue();
            }
            try
            {
                _stream.Write(item.Data, 0, item.Data.Length);
            }
            catch (Exception e) when (e is System.IO.IOException or ObjectDisposedException or SocketException)
            {
                Close();
                return;
            }
            if (item.Block)
            {
                lock (_gate) _queuedBlockBytes -= item.Data.Length;
            }
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            Monitor.PulseAll(_gate);
        }
        try { _tcp.Close(); } catch (Exception) { }
    }

    /// <summary>Sends what is queued (up to <paramref name="milliseconds"/>), then closes.</summary>
    internal void Drain(int milliseconds)
    {
        var until = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (DateTime.UtcNow < until)
        {
            lock (_gate) if (_queue.Count == 0 || _closed) break;
            Thread.Sleep(5);
        }
        Close();
    }
}
