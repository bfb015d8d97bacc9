// Where a running `preamp hub` is found: a lock file per board port that the hub holds for its life, and beside it what
// clients need to reach it (its pid and SCPI port) and what it reports (the board, its clients).
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace PreampFirmware.Client;

/// <summary>A running hub as its rendezvous file describes it.</summary>
public sealed record HubInfo(int Pid, int ScpiPort, string Device);

/// <summary>Lines the hub sends to the clients that asked for them, and the ones it takes from clients itself.</summary>
public static class HubNotice
{
    /// <summary>Every notice line starts so; a line a client sends that starts so is for the hub, not the board.</summary>
    public const string Prefix = "#HUB ";
    /// <summary>A client's line: send me notices.</summary>
    public const string Subscribe = Prefix + "NOTICES";
    /// <summary>Notice text: the board's link failed (then why).</summary>
    public const string Gone = "board gone";
    /// <summary>Notice text: the board is back (then whether it restarted).</summary>
    public const string Back = "board back";

    /// <summary>A session name the board takes (SYSTem:SESSion:NAME): ASCII, no quotes, commas or semicolons, 40 characters at most.</summary>
    public static string SessionName(string text)
    {
        var b = new StringBuilder();
        foreach (char c in text)
        {
            if (c >= 0x20 && c < 0x7F && c is not ('"' or ',' or ';')) b.Append(c);
        }
        string name = b.ToString().Trim();
        if (name.Length == 0) name = "client";
        return name.Length > 40 ? name.Substring(0, 40) : name;
    }
}

/// <summary>
/// The per-port rendezvous: <c>$XDG_RUNTIME_DIR/preamp/</c> (or <c>/tmp/preamp-UID/</c>) holds, for each board port a hub
/// owns, <c>KEY.lock</c> (the hub holds an exclusive flock on it while it runs: a second hub is refused, and a file left
/// by a hub that died is not believed, since the kernel drops the lock with the process) and <c>KEY.json</c> (its pid, SCPI
/// port, device, and its status: the board and its clients). KEY is the port's real path (symbolic links resolved, so
/// /dev/serial/by-id/… and /dev/ttyACM0 meet) or tcp-HOST-PORT.
/// </summary>
public static class HubRendezvous
{
    /// <summary>The directory of the rendezvous files (PREAMP_HUB_DIR overrides it, for tests).</summary>
    public static string Directory
    {
        get
        {
            string over = Environment.GetEnvironmentVariable("PREAMP_HUB_DIR");
            if (!string.IsNullOrEmpty(over)) return over;
            string runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (!string.IsNullOrEmpty(runtime) && System.IO.Directory.Exists(runtime)) return Path.Combine(runtime, "preamp");
            return Path.Combine(Path.GetTempPath(), "preamp-" + (OperatingSystem.IsWindows() ? Environment.UserName : Posix.getuid().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>The key of a port: its real path, or tcp-HOST-PORT; characters other than letters, digits, '.', '-' become '_'.</summary>
    public static string Key(string port)
    {
        string name = port;
        if (port.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase)) name = "tcp-" + port.Substring(6).Replace(':', '-');
        else
        {
            try
            {
                var info = new FileInfo(port);
                name = (info.ResolveLinkTarget(true)?.FullName ?? info.FullName);
            }
            catch (IOException) { }
        }
        var b = new StringBuilder();
        foreach (char c in name.TrimStart('/')) b.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        return b.ToString();
    }

    /// <summary>The lock file of <paramref name="port"/>.</summary>
    public static string LockPath(string port) => Path.Combine(Directory, Key(port) + ".lock");

    /// <summary>The description and status file of <paramref name="port"/>.</summary>
    public static string InfoPath(string port) => Path.Combine(Directory, Key(port) + ".json");

    /// <summary>The hub that holds <paramref name="port"/> now, or null (no lock file, or nobody holds its lock).</summary>
    public static HubInfo Find(string port)
    {
        if (OperatingSystem.IsWindows()) return null;
        string path = LockPath(port);
        if (!File.Exists(path)) return null;
        int fd = Posix.open(path, Posix.ReadOnly, 0);
        if (fd < 0) return null;
        try
        {
            if (Posix.flock(fd, Posix.LockShared | Posix.LockNonBlocking) == 0) return null;   // nobody holds it: a hub that ended
        }
        finally
        {
            Posix.close(fd);
        }
        return ReadInfo(port);
    }

    /// <summary>What the hub of <paramref name="port"/> wrote about itself, or null.</summary>
    public static HubInfo ReadInfo(string port)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(InfoPath(port)));
            var r = doc.RootElement;
            return new HubInfo(r.GetProperty("pid").GetInt32(), r.GetProperty("scpiPort").GetInt32(), r.GetProperty("device").GetString());
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or System.Collections.Generic.KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The status the hub of <paramref name="port"/> last wrote (JSON), or null.</summary>
    public static string ReadStatus(string port)
    {
        try { return File.ReadAllText(InfoPath(port)); }
        catch (IOException) { return null; }
    }
}

/// <summary>The lock a hub holds on its port's rendezvous for its life.</summary>
public sealed class HubLock : IDisposable
{
    private readonly int _fd;
    private readonly string _port;

    private HubLock(int fd, string port)
    {
        _fd = fd;
        _port = port;
    }

    /// <summary>
    /// Takes the rendezvous lock of <paramref name="port"/>; throws <see cref="PreampException"/> with one line naming the hub
    /// that holds it.
    /// </summary>
    public static HubLock Take(string port)
    {
        System.IO.Directory.CreateDirectory(HubRendezvous.Directory);
        string path = HubRendezvous.LockPath(port);
        int fd = Posix.open(path, Posix.ReadWrite | Posix.Create, Convert.ToInt32("600", 8));
        if (fd < 0) throw new PreampException(path + ": cannot open the hub's lock file (errno " + Marshal.GetLastPInvokeError() + ")");
        if (Posix.flock(fd, Posix.LockExclusive | Posix.LockNonBlocking) != 0)
        {
            Posix.close(fd);
            var other = HubRendezvous.ReadInfo(port);
            throw new PreampException(port + " is held by another preamp hub" + (other == null ? "" : " (pid " + other.Pid + ", SCPI on 127.0.0.1:" + other.ScpiPort + ")") +
                                      ": its clients reach the board through it; `preamp --port " + port + " hub --status` shows them");
        }
        return new HubLock(fd, port);
    }

    /// <summary>Writes the hub's description and status (atomically: clients never read half a file).</summary>
    public void Publish(string json)
    {
        string path = HubRendezvous.InfoPath(_port);
        string temp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, path, true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try { File.Delete(HubRendezvous.InfoPath(_port)); } catch (IOException) { }
        Posix.close(_fd);   // the lock goes with the descriptor; the lock file stays (deleting it would race a new hub)
    }
}

/// <summary>The libc calls the hub's locks use.</summary>
internal static class Posix
{
    public const int ReadOnly = 0, ReadWrite = 2, Create = 0x40, NoCtty = 0x100, NonBlock = 0x800;
    public const int LockShared = 1, LockExclusive = 2, LockNonBlocking = 4;
    /// <summary>TIOCEXCL: further open() of the terminal fail with EBUSY (root excepted).</summary>
    public const ulong TiocExcl = 0x540C;

    [DllImport("libc", SetLastError = true)] public static extern int open(string path, int flags, int mode);
    [DllImport("libc", SetLastError = true)] public static extern int flock(int fd, int operation);
    [DllImport("libc", SetLastError = true)] public static extern int ioctl(int fd, ulong request, IntPtr arg);
    [DllImport("libc")] public static extern int close(int fd);
    [DllImport("libc")] public static extern uint getuid();
    [DllImport("libc", SetLastError = true)] public static extern int kill(int pid, int signal);
}
