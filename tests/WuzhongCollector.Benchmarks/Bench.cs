using System.Runtime.InteropServices;
using WuzhongCollector.Benchmarks.Api;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Benchmarks.EndToEnd;
using WuzhongCollector.Benchmarks.Load;
using WuzhongCollector.Benchmarks.Memory;
using WuzhongCollector.Benchmarks.Recovery;
using WuzhongCollector.Benchmarks.Scheduling;
using WuzhongCollector.Benchmarks.WritePath;

namespace WuzhongCollector.Benchmarks;

public sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Runtime, string PostgreSql, DateTimeOffset At, string LoadAtStart)
{
    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine slows every wall-clock number.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}

public sealed record BenchResults(
    BenchSettings Settings, MachineInfo Machine, WritePathResult? WritePath, EndToEndResult? EndToEnd, MemoryResult? Memory,
    ApiLatencyResult? Api, SchedulingResult? Scheduling, string LoadAtEnd, FirstLoadResult? Load = null, RecoveryResult? Recovery = null,
    SmallRunResult? SmallRuns = null);

/// <summary>Runs the scenarios in order; the API scenario reads the database the end-to-end load filled.</summary>
public static class Bench
{
    public static async Task<BenchResults> RunAsync(BenchSettings settings, BenchDatabase databases, TextWriter log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.WorkDirectory);
        try
        {
            var config = new BenchConfig(Path.Combine(settings.WorkDirectory, "e2e"));
            var data = new DepartmentData(config.LoadCatalogue());
            var machine = await DescribeMachineAsync(databases, cancellationToken);
            await log.WriteLineAsync($"machine: {machine.Cpu}, {machine.Cores} cores, {machine.Memory}; PostgreSQL {machine.PostgreSql}");

            WritePathResult? writePath = null;
            if (settings.Runs("write"))
            {
                await log.WriteLineAsync($"[1] write path vs raw COPY, {settings.Rows} rows");
                writePath = await WritePathBench.RunAsync(settings, databases, data, log, cancellationToken);
            }

            var csvPath = Path.Combine(config.Directory, "exports", "dept.csv");
            if (settings.Runs("e2e") || settings.Runs("memory") || settings.Runs("api"))
            {
                await data.WriteCsvAsync(csvPath, settings.Rows, cancellationToken);
                config.WriteSource(DepartmentData.SourceId, data.SourceYaml("exports/dept.csv"));
            }

            EndToEndResult? endToEnd = null;
            if (settings.Runs("e2e") || settings.Runs("api"))
            {
                await log.WriteLineAsync($"[2, 3] department CSV end to end, {settings.Rows} rows ({new FileInfo(csvPath).Length / 1048576.0:0.0} MiB)");
                endToEnd = await EndToEndBench.RunAsync(settings, databases, config, csvPath, log, cancellationToken);
            }

            MemoryResult? memory = null;
            if (settings.Runs("memory"))
            {
                await log.WriteLineAsync($"[4] peak memory at {settings.Rows} and {settings.BigRows} rows");
                memory = await MemoryBench.RunAsync(settings, databases, data, csvPath, log, cancellationToken);
            }

            ApiLatencyResult? api = null;
            if (settings.Runs("api"))
            {
                await log.WriteLineAsync($"[5] API latency, {settings.ApiClients} clients, cache cold and warm");
                api = await ApiLatencyBench.RunAsync(settings, databases, data, endToEnd!.ConnectionString, config.Directory, log, cancellationToken);
            }

            if (endToEnd is not null)
            {
                await databases.DropAsync(endToEnd.ConnectionString, cancellationToken);
            }

            SchedulingResult? scheduling = null;
            if (settings.Runs("sources"))
            {
                await log.WriteLineAsync($"[6] {settings.Sources} configured sources");
                scheduling = await ManySourcesBench.RunAsync(settings, databases, log, cancellationToken);
            }

            FirstLoadResult? load = null;
            if (settings.Runs("load"))
            {
                await log.WriteLineAsync($"[7] long department export: first load against psql copy at {settings.Rows / 10}, {settings.Rows} and {settings.BigRows} rows; reads; small runs");
                load = await FirstLoadBench.RunAsync(settings, databases, log, cancellationToken);
            }

            SmallRunResult? smallRuns = load?.SmallRuns;
            if (settings.Runs("small-run") && load is null)
            {
                await log.WriteLineAsync($"[7] a 10-row run on an empty store and on {settings.BigRows} figures");
                smallRuns = await SmallRunBench.RunAsync(settings, databases, log, cancellationToken);
            }

            RecoveryResult? recovery = null;
            if (settings.Runs("recovery"))
            {
                await log.WriteLineAsync($"[8] kill -9 mid-import of {settings.Rows} rows, production timeouts");
                recovery = await RecoveryBench.RunAsync(settings, databases, log, cancellationToken);
            }

            return new BenchResults(settings, machine, writePath, endToEnd, memory, api, scheduling, MachineInfo.LoadAverage(), load, recovery, smallRuns);
        }
        finally
        {
            Directory.Delete(settings.WorkDirectory, recursive: true);
        }
    }

    private static async Task<MachineInfo> DescribeMachineAsync(BenchDatabase databases, CancellationToken cancellationToken)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : RuntimeInformation.ProcessArchitecture.ToString();
        var memory = File.Exists("/proc/meminfo")
            ? $"{long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1048576.0:0} GiB RAM"
            : "unknown RAM";
        var probe = await databases.CreateAsync("probe");
        var postgres = await databases.ServerVersionAsync(probe, cancellationToken);
        await databases.DropAsync(probe, cancellationToken);
        return new MachineInfo(cpu, Environment.ProcessorCount, memory, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            postgres, TimeProvider.System.GetUtcNow(), MachineInfo.LoadAverage());
    }
}
