using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WuzhongCollector.Benchmarks.Memory;

/// <summary>
/// The child side of the memory scenario: a process that does nothing but start the real service (no
/// scheduler) and run one source once, then reports its own peak resident set (VmHWM) as one JSON line.
/// </summary>
public static class MemoryChild
{
    public const string Verb = "memory-child";

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Length != 3)
        {
            await output.WriteLineAsync($"usage: {Verb} <connection string> <config folder> <source id>");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var app = await InProcessService.StartAsync(args[0], args[1], runScheduler: false, null, cancellationToken);
        var startedKiB = StatusKiB("VmRSS");
        var run = await InProcessService.CollectAsync(app, args[2], cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        await app.StopAsync(cancellationToken);
        await app.DisposeAsync();
        await output.WriteLineAsync(JsonSerializer.Serialize(new ChildReport(
            run.Outcome, run.Counts?.RowsRead ?? 0, run.Counts?.Stored ?? 0, seconds, startedKiB, StatusKiB("VmHWM"))));
        return 0;
    }

    /// <summary>A size line of /proc/self/status ("VmHWM:  123456 kB"), in KiB.</summary>
    public static long StatusKiB(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}

public sealed record ChildReport(string Outcome, int RowsRead, int Stored, double Seconds, long StartedKiB, long PeakKiB);
