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

    /// <summary>
    /// CPU seconds of every process of the cluster in <paramref name="clusterDirectory"/> (the postmaster, the backends
    /// it has reaped and those alive, the background writers); null when it does not run here.
    /// </summary>
    public static double? ClusterSeconds(string clusterDirectory)
    {
        var pidFile = Path.Combine(clusterDirectory, "data", "postmaster.pid");
        if (!OperatingSystem.IsLinux() || !File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), out var postmaster))
        {
            return null;
        }

        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var stat = StatFields(Path.GetFileName(dir));
            if (stat is null)
            {
                continue;
            }

            // utime, stime (fields 14, 15); for the postmaster also cutime, cstime (16, 17): the CPU of its exited children.
            if (Path.GetFileName(dir) == postmaster.ToString(CultureInfo.InvariantCulture))
            {
                ticks += stat[11] + stat[12] + stat[13] + stat[14];
            }
            else if (stat[1] == postmaster)
            {
                ticks += stat[11] + stat[12];
            }
        }

        return ticks / 100.0;
    }

    /// <summary>The numeric fields of /proc/PID/stat after the command name (ppid at 1, utime at 11), or null.</summary>
    private static long[]? StatFields(string pid)
    {
        if (!int.TryParse(pid, out _))
        {
            return null;
        }

        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Take(15).Select(f => long.TryParse(f, out var n) ? n : 0).ToArray();
        }
        catch (IOException)
        {
            // The process ended meanwhile.
            return null;
        }
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
