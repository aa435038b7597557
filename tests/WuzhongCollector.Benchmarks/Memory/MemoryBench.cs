using System.Diagnostics;
using System.Text.Json;
using WuzhongCollector.Benchmarks.Data;

namespace WuzhongCollector.Benchmarks.Memory;

public sealed record MemoryPoint(int Rows, long CsvBytes, ChildReport Child);

public sealed record MemoryResult(IReadOnlyList<MemoryPoint> Points);

/// <summary>
/// Scenario 4: peak resident memory of the service path at two file sizes, each in a fresh child process
/// so one load's heap does not hide the other's. The child runs with Server GC, as the service does.
/// </summary>
public static class MemoryBench
{
    public static async Task<MemoryResult> RunAsync(
        BenchSettings settings, BenchDatabase databases, DepartmentData data, string csvPath, TextWriter log, CancellationToken cancellationToken)
    {
        var points = new List<MemoryPoint>();
        foreach (var rows in new[] { settings.Rows, settings.BigRows })
        {
            var config = new BenchConfig(Path.Combine(settings.WorkDirectory, $"memory-{rows}"));
            var file = Path.Combine(config.Directory, "exports", "dept.csv");
            if (rows == settings.Rows)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.Copy(csvPath, file, overwrite: true);
            }
            else
            {
                await data.WriteCsvAsync(file, rows, cancellationToken);
            }

            config.WriteSource(DepartmentData.SourceId, data.SourceYaml("exports/dept.csv"));
            var connectionString = await databases.CreateAsync("memory");
            await databases.CheckpointAsync(cancellationToken);
            var child = await RunChildAsync(connectionString, config.Directory, cancellationToken);
            await log.WriteLineAsync($"  {rows} rows: peak {child.PeakKiB / 1024.0:0} MiB ({child.Outcome}, {child.Stored} stored in {child.Seconds:0.0} s)");
            points.Add(new MemoryPoint(rows, new FileInfo(file).Length, child));
            File.Delete(file);
            await databases.DropAsync(connectionString, cancellationToken);
        }

        return new MemoryResult(points);
    }

    private static async Task<ChildReport> RunChildAsync(string connectionString, string configDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(MemoryBench).Assembly.Location);
        start.ArgumentList.Add(MemoryChild.Verb);
        start.ArgumentList.Add(connectionString);
        start.ArgumentList.Add(configDirectory);
        start.ArgumentList.Add(DepartmentData.SourceId);
        start.Environment["DOTNET_gcServer"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the memory child");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"memory child failed with exit code {process.ExitCode}: {await stderr}");
        }

        var line = (await stdout).Trim().Split('\n')[^1];
        return JsonSerializer.Deserialize<ChildReport>(line) ?? throw new InvalidOperationException($"memory child printed '{line}'");
    }
}
