// The simulated host UART: bytes from the host wait in a receive buffer; bytes to the host leave at the baud rate.
using System;
using System.Collections.Generic;
using PreampFirmware.Hal;

namespace PreampFirmware.Sim;

/// <summary>
/// Device side of the host link on the simulated board. The host end is <see cref="HostWrite"/> and
/// <see cref="HostRead"/>. Both directions are paced: a byte reaches the other end one character time (10 bits at the
/// baud rate) after the previous one, so a rate the link cannot carry backs up here too. Bytes from the host that
/// arrive while the device's receive buffer is full are lost and counted (<see cref="ReceiveOverruns"/>), as the
/// ESP32's UART driver loses them; a host that honours <see cref="HostRoom"/> (flow control) loses none.
/// <para>
/// A host that stops reading holds the link back: once <see cref="HostBufferBytes"/> have arrived at the host end and
/// wait there unread, the line stalls (the TCP socket or pseudo-terminal behind it is full) and the device's writes
/// wait, as a blocking UART write waits. The firmware's stream ring then fills and it drops blocks for the link, which
/// it counts and announces in the next block's header, so what the host reads afterwards accounts for every frame.
/// </para>
/// </summary>
public sealed class SimSerialPort : ISerialPort
{
    /// <summary>Receive buffer size of the device's UART driver, bytes.</summary>
    public const int ReceiveBufferBytes = 8192;
    /// <summary>
    /// Bytes the host end holds unread before the line stalls: the driver's and the program's buffers, about 0.7 s of a
    /// 48 kHz stream, so a host that is only busy for a moment (a garbage collection, a loaded machine) loses nothing.
    /// </summary>
    public const int HostBufferBytes = 256 * 1024;
    /// <summary>
    /// Transmit backlog the device may queue before writes are dropped, bytes, beyond what the stalled host end holds. The
    /// board's UART write waits instead (the runner lets board time pass for the answers after each tick); this only has
    /// to hold what one tick can answer: a full receive buffer of the shortest queries, each answered by an identity line.
    /// </summary>
    public const int TransmitBufferBytes = HostBufferBytes + 256 * 1024;

    private readonly SimBoard _board;
    private readonly Queue<byte> _rx = new();
    /// <summary>Bytes on the wire from the host, each with the board time it reaches the device's UART.</summary>
    private readonly Queue<(byte Value, double ArriveUs)> _wire = new();
    private double _inLineFreeUs;
    /// <summary>One write: its bytes, and the time the first of them left the line (the rest follow at the byte time).</summary>
    private sealed class Chunk
    {
        public byte[] Data;
        public int Read;
        public double StartUs;
    }

    private readonly Queue<Chunk> _tx = new();
    private int _txBytes;
    private double _lineFreeUs;

    private Random _linkErrors;
    private double _bitErrorRate;
    private long _bitsToNextError = long.MaxValue;

    internal SimSerialPort(SimBoard board, int baud)
    {
        _board = board;
        Baud = baud;
    }

    private Random _drops;
    private double _dropRate;
    private Random _inboundErrors;
    private double _inboundRate;

    /// <summary>Bytes lost on the way to the host so far.</summary>
    public long DroppedBytes { get; private set; }

    /// <summary>Bits flipped on the way to the device so far.</summary>
    public long InboundBitErrors { get; private set; }

    /// <summary>Loses device-to-host bytes, each with probability <paramref name="rate"/> (0 switches it off).</summary>
    public void SetDroppedBytes(double rate, int seed)
    {
        lock (_tx)
        {
            _dropRate = rate;
            _drops = rate > 0 ? new Random(seed) : null;
        }
    }

    /// <summary>Flips host-to-device bits, each with probability <paramref name="bitErrorRate"/> (0 switches it off).</summary>
    public void SetInboundErrors(double bitErrorRate, int seed)
    {
        lock (_rx)
        {
            _inboundRate = bitErrorRate;
            _inboundErrors = bitErrorRate > 0 ? new Random(seed) : null;
        }
    }

    /// <summary>The bit error rate device-to-host bytes see now.</summary>
    public double BitErrorRate { get { lock (_tx) return _linkErrors == null ? 0 : _bitErrorRate; } }

    /// <summary>Bits flipped on the way to the host so far.</summary>
    public long BitErrors { get; private set; }

    /// <summary>
    /// Damages device-to-host bytes: each bit is flipped with probability <paramref name="bitErrorRate"/>,
    /// drawn from <paramref name="seed"/> (0 switches damage off).
    /// </summary>
    public void SetLinkErrors(double bitErrorRate, int seed)
    {
        lock (_tx)
        {
            _bitErrorRate = bitErrorRate;
            _linkErrors = bitErrorRate > 0 ? new Random(seed) : null;
            _bitsToNextError = NextGap();
        }
    }

    private long NextGap()
    {
        if (_linkErrors == null) return long.MaxValue;
        // Bits until the next error: geometric with p = BER.
        double u = 1.0 - _linkErrors.NextDouble();
        return 1 + (long)Math.Floor(Math.Log(u) / Math.Log(1.0 - _bitErrorRate));
    }

    private byte Damage(byte value)
    {
        if (_bitsToNextError > 8)
        {
            if (_bitsToNextError != long.MaxValue) _bitsToNextError -= 8;
            return value;
        }
        while (_bitsToNextError <= 8)
        {
            value ^= (byte)(1 << (int)(_bitsToNextError - 1));
            BitErrors++;
            long gap = NextGap();
            _bitsToNextError = gap == long.MaxValue ? gap : _bitsToNextError + gap;
        }
        _bitsToNextError -= 8;
        return value;
    }

    /// <summary>Baud rate (8N1: 10 bits per byte).</summary>
    public int Baud { get; set; }

    /// <summary>Bytes the host sent that arrived while the receive buffer was full, and were lost.</summary>
    public long ReceiveOverruns { get { lock (_rx) { Deliver(); return _receiveOverruns; } } }

    private long _receiveOverruns;

    /// <summary>Bytes the host may send now without any being lost: room in the receive buffer not yet spoken for (RTS/CTS flow control).</summary>
    public int HostRoom { get { lock (_rx) { Deliver(); return Math.Max(0, ReceiveBufferBytes - _rx.Count - _wire.Count); } } }

    /// <summary>Bytes from the host not yet taken by the firmware: on the wire or in the receive buffer.</summary>
    public int InputPending { get { lock (_rx) { Deliver(); return _rx.Count + _wire.Count; } } }

    /// <summary>Moves the bytes that have reached the UART by now into the receive buffer, losing those that do not fit.</summary>
    private void Deliver()
    {
        long now = _board.NowMicroseconds;
        while (_wire.Count > 0 && _wire.Peek().ArriveUs <= now)
        {
            byte b = _wire.Dequeue().Value;
            if (_rx.Count >= ReceiveBufferBytes) { _receiveOverruns++; continue; }
            _rx.Enqueue(b);
        }
    }

    /// <summary>Bytes the firmware wrote that did not fit in the transmit backlog.</summary>
    public long TransmitOverruns { get; private set; }

    /// <summary>
    /// Bytes the firmware wrote that have not yet left the UART (what a blocking write would wait for), or, when the
    /// host has stopped reading, the bytes beyond what the host end holds: the line is stalled until it reads.
    /// </summary>
    public int TransmitBacklog
    {
        get
        {
            lock (_tx)
            {
                double waiting = _lineFreeUs - _board.NowMicroseconds;
                int onTheLine = waiting <= 0 ? 0 : (int)Math.Ceiling(waiting * Baud / 10e6);
                return Math.Max(onTheLine, _txBytes - HostBufferBytes);
            }
        }
    }

    /// <summary>Bytes the firmware wrote that the host has not read yet (on the line or waiting at the host end).</summary>
    public int HostUnread { get { lock (_tx) return _txBytes; } }

    /// <summary>True when the host end holds <see cref="HostBufferBytes"/> unread: the line waits for the host.</summary>
    public bool StalledByHost { get { lock (_tx) return _txBytes > HostBufferBytes; } }

    /// <summary>Board time at which the last byte written so far has left the UART, µs.</summary>
    public double TransmitDoneUs { get { lock (_tx) return _lineFreeUs; } }

    /// <summary>Time the UART's hardware FIFO (128 bytes) takes to empty, µs: a write returns when what is left fits in it.</summary>
    public double TransmitFifoUs => 128 * 10e6 / Baud;

    /// <summary>
    /// Board time at which fewer than <paramref name="bytes"/> bytes will wait to leave the UART, µs; long.MaxValue
    /// while the line waits for the host to read (no time can be known).
    /// </summary>
    public long RoomForUs(int bytes)
    {
        lock (_tx)
        {
            if (_txBytes - HostBufferBytes >= bytes) return long.MaxValue;
            return (long)Math.Ceiling(_lineFreeUs - (bytes - 1) * 10e6 / Baud);
        }
    }

    /// <inheritdoc />
    public int BytesPerSecond => Baud / 10;

    /// <inheritdoc />
    public int BytesToRead { get { lock (_rx) { Deliver(); return _rx.Count; } } }

    /// <inheritdoc />
    public int Read(byte[] buffer, int offset, int count)
    {
        lock (_rx)
        {
            Deliver();
            int n = Math.Min(count, _rx.Count);
            for (int i = 0; i < n; i++) buffer[offset + i] = _rx.Dequeue();
            return n;
        }
    }

    /// <inheritdoc />
    public void Write(byte[] buffer, int offset, int count)
    {
        lock (_tx)
        {
            double byteUs = 10e6 / Baud;
            long now = _board.NowMicroseconds;
            if (_lineFreeUs < now) _lineFreeUs = now;
            if (count > TransmitBufferBytes - _txBytes)
            {
                TransmitOverruns += count;   // a write is dropped whole: never half a block or half an answer
                return;
            }
            if (count == 0) return;
            var data = new byte[count];
            Array.Copy(buffer, offset, data, 0, count);
            // The first byte has arrived once its 10 bits are through.
            _tx.Enqueue(new Chunk { Data = data, StartUs = _lineFreeUs + byteUs });
            _txBytes += count;
            _lineFreeUs += count * byteUs;
        }
    }

    /// <summary>The host sends bytes to the device: they go out on the wire one character time apart.</summary>
    public void HostWrite(byte[] data, int offset, int count)
    {
        lock (_rx)
        {
            Deliver();
            double byteUs = 10e6 / Baud;
            long now = _board.NowMicroseconds;
            if (_inLineFreeUs < now) _inLineFreeUs = now;
            for (int i = 0; i < count; i++)
            {
                byte b = data[offset + i];
                if (_inboundErrors != null)
                {
                    for (int bit = 0; bit < 8; bit++)
                    {
                        if (_inboundErrors.NextDouble() < _inboundRate) { b ^= (byte)(1 << bit); InboundBitErrors++; }
                    }
                }
                _inLineFreeUs += byteUs;
                _wire.Enqueue((b, _inLineFreeUs));
            }
        }
    }

    /// <summary>The host takes the bytes that have arrived by now.</summary>
    public int HostRead(byte[] buffer, int offset, int count)
    {
        lock (_tx)
        {
            long now = _board.NowMicroseconds;
            double byteUs = 10e6 / Baud;
            int n = 0;
            while (n < count && _tx.Count > 0)
            {
                var c = _tx.Peek();
                int arrived = now < c.StartUs ? 0 : Math.Min(c.Data.Length, (int)((now - c.StartUs) / byteUs) + 1);
                int take = Math.Min(arrived - c.Read, count - n);
                if (take <= 0) break;
                int kept = 0;
                for (int i = 0; i < take; i++)
                {
                    if (_drops != null && _drops.NextDouble() < _dropRate) { DroppedBytes++; continue; }
                    byte b = c.Data[c.Read + i];
                    buffer[offset + n + kept++] = _linkErrors != null ? Damage(b) : b;
                }
                c.Read += take;
                n += kept;
                _txBytes -= take;
                if (c.Read == c.Data.Length) _tx.Dequeue();
            }
            return n;
        }
    }
}
