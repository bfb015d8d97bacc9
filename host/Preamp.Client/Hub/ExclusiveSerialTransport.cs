// The board's serial port held by the hub alone: Linux lets any program open a port that .NET has open.
using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace PreampFirmware.Client;

/// <summary>
/// A <see cref="SerialTransport"/> that also locks the port three ways, each against what it stops (Linux and macOS;
/// elsewhere it is the plain port): an exclusive flock on the device (tio, pyserial with exclusive=True and other
/// programs that take one before they use a port), a UUCP lock file <c>/run/lock/LCK..NAME</c> holding the hub's pid
/// (minicom, cu, screen's and ModemManager's older probes that honour it), and TIOCEXCL once open (any later open() of
/// the terminal fails with EBUSY: cat, echo &gt;, a probe that honours nothing; root is let through, as the kernel has it).
/// </summary>
public sealed class ExclusiveSerialTransport : IByteTransport
{
    /// <summary>TIOCNXCL: undoes TIOCEXCL.</summary>
    private const ulong TiocNxcl = 0x540D;

    private readonly SerialTransport _port;
    private readonly int _fd = -1;
    private readonly string _uucp;

    /// <summary>Opens and locks <paramref name="name"/> at <paramref name="baud"/>.</summary>
    public ExclusiveSerialTransport(string name, int baud)
    {
        if (OperatingSystem.IsWindows())
        {
            _port = new SerialTransport(name, baud);   // Windows opens a COM port exclusively itself
            return;
        }
        if (!File.Exists(name)) throw new IOException(name + ": no such device (is the board plugged in? `preamp ports` lists the serial ports)");
        _fd = Posix.open(name, Posix.ReadWrite | Posix.NoCtty | Posix.NonBlock, 0);
        if (_fd < 0) throw new IOException(name + ": cannot open it (errno " + Marshal.GetLastPInvokeError() + "; another program may hold it exclusively)");
        try
        {
            if (Posix.flock(_fd, Posix.LockExclusive | Posix.LockNonBlocking) != 0)
                throw new IOException(name + ": another program holds an exclusive lock on it (tio, a pyserial script, …)");
            _uucp = TakeUucpLock(name);
            _port = new SerialTransport(name, baud);
            Posix.ioctl(_fd, Posix.TiocExcl, IntPtr.Zero);
        }
        catch
        {
            Release();
            throw;
        }
        Description = _port.Description;
    }

    /// <inheritdoc />
    public string Description { get; } = "";

    /// <summary>The UUCP lock file taken, or null (the lock directory is not writable here).</summary>
    public string UucpLockFile => _uucp;

    /// <summary>The UUCP lock file of <paramref name="device"/>: /run/lock (or /var/lock) LCK.. and the path under /dev with '/' as '_'.</summary>
    public static string UucpPath(string device)
    {
        string dir = System.IO.Directory.Exists("/run/lock") ? "/run/lock" : "/var/lock";
        string full = Path.GetFullPath(device);
        string name = full.StartsWith("/dev/", StringComparison.Ordinal) ? full.Substring(5) : full.TrimStart('/');
        return Path.Combine(dir, "LCK.." + name.Replace('/', '_'));
    }

    private static string TakeUucpLock(string device)
    {
        string path = UucpPath(device);
        if (File.Exists(path))
        {
            string text = "";
            try { text = File.ReadAllText(path).Trim(); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid) && pid != Environment.ProcessId && pid > 0 && Posix.kill(pid, 0) == 0)
                throw new IOException(device + ": held by process " + pid + " (its lock file " + path + ")");
        }
        try
        {
            File.WriteAllText(path, Environment.ProcessId.ToString(CultureInfo.InvariantCulture).PadLeft(10) + "\n");   // HDB UUCP format
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;   // no writable lock directory: the flock and TIOCEXCL still hold
        }
    }

    /// <inheritdoc />
    public int Read(byte[] buffer, int offset, int count) => _port.Read(buffer, offset, count);

    /// <inheritdoc />
    public void Write(byte[] buffer, int offset, int count) => _port.Write(buffer, offset, count);

    private void Release()
    {
        if (_fd >= 0)
        {
            Posix.ioctl(_fd, TiocNxcl, IntPtr.Zero);
            Posix.close(_fd);
        }
        if (_uucp != null)
        {
            try { File.Delete(_uucp); } catch (IOException) { }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _port?.Dispose();
        Release();
    }
}
