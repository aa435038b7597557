using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace WuzhongCollector.Benchmarks.WritePath;

/// <summary>
/// CPU seconds spent by this process and by the PostgreSQL backend serving a connection. On a machine
/// shared with other work, wall time swings with the load while CPU time barely moves, so ratios are
/// reported both ways. The backend is read from /proc, so this works only when the server runs here.
/// </summary>
public sealed class CpuClock
{
    private readonly int? backendPid;
    private readonly TimeSpan clientStart;
    private readonly double backendStart;

    private CpuClock(int? backendPid)
    {
        this.backendPid = backendPid;
        clientStart = Process.GetCurrentProcess().TotalProcessorTime;
        backendStart = BackendSeconds(backendPid) ?? 0;
    }

    public static CpuClock Start(NpgsqlConnection connection)
    {
        var host = connection.Host ?? "";
        var local = host is "127.0.0.1" or "localhost" or "::1" || host.StartsWith('/');
        return new CpuClock(local && OperatingSystem.IsLinux() ? connection.ProcessID : null);
    }

    /// <summary>Client plus backend CPU seconds since <see cref="Start"/>; null when the backend cannot be read.</summary>
    public double? Elapsed()
    {
        var backend = BackendSeconds(backendPid);
        return backend is null ? null : (Process.GetCurrentProcess().TotalProcessorTime - clientStart).TotalSeconds + (backend.Value - backendStart);
    }

    private static double? BackendSeconds(int? pid)
    {
        var path = $"/proc/{pid}/stat";
        if (pid is null || !File.Exists(path))
        {
            return null;
        }

        // Fields after the command name: state is the 3rd field, utime and stime the 14th and 15th, in clock ticks (100 per second).
        var fields = File.ReadAllText(path).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
