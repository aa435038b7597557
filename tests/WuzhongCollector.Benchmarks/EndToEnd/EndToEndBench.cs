using System.Diagnostics;
using Dapper;
using Npgsql;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Service.Collection;

namespace WuzhongCollector.Benchmarks.EndToEnd;

public sealed record EndToEndResult(
    int Rows, long CsvBytes, double ServiceSeconds, RunSummary First, double RerunSeconds, RunSummary Rerun,
    long StoredObservations, long ArchivedBytes, PandasResult Pandas, PandasResult PandasKeyed, int DapperRows, double DapperSeconds, double ReadAndMapSeconds, string ConnectionString)
{
    public double ServiceRowsPerSecond => Rows / ServiceSeconds;

    public double DapperRowsPerSecond => DapperRows / DapperSeconds;
}

/// <summary>
/// Scenarios 2 and 3: the department CSV through the real service path (source definition, connector,
/// reader, mapper, writer, run record), then an unchanged re-run; and the same file loaded the ways people
/// would otherwise load it, into a database of their own.
/// </summary>
public static class EndToEndBench
{
    public static async Task<EndToEndResult> RunAsync(
        BenchSettings settings, BenchDatabase databases, BenchConfig config, string csvPath, TextWriter log, CancellationToken cancellationToken)
    {
        var (mappedOnly, readAndMapSeconds) = ReadAndMapOnly.Run(config, csvPath, cancellationToken);
        await log.WriteLineAsync($"  read and map only (no database): {mappedOnly} observations in {readAndMapSeconds:0.00} s");
        var connectionString = await databases.CreateAsync("e2e");
        var app = await InProcessService.StartAsync(connectionString, config.Directory, runScheduler: false, null, cancellationToken);
        RunSummary first, rerun;
        double firstSeconds, rerunSeconds;
        try
        {
            await databases.CheckpointAsync(cancellationToken);
            var clock = Stopwatch.StartNew();
            first = await InProcessService.CollectAsync(app, DepartmentData.SourceId, cancellationToken);
            firstSeconds = clock.Elapsed.TotalSeconds;
            await log.WriteLineAsync($"  service path: {first.Outcome}, {first.Counts?.Stored} stored in {firstSeconds:0.00} s");

            await databases.CheckpointAsync(cancellationToken);
            clock.Restart();
            rerun = await InProcessService.CollectAsync(app, DepartmentData.SourceId, cancellationToken);
            rerunSeconds = clock.Elapsed.TotalSeconds;
            await log.WriteLineAsync($"  unchanged re-run: {rerun.Outcome} in {rerunSeconds * 1000:0.0} ms");
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }

        long stored, archived;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            stored = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation");
            archived = await connection.ExecuteScalarAsync<long>("SELECT coalesce(sum(octet_length(content)), 0) FROM payload_chunk");
            // As autovacuum would after a big load; the API scenario then reads a settled table.
            await connection.ExecuteAsync("VACUUM ANALYZE observation", commandTimeout: 0);
        }

        var others = await databases.CreateAsync("others");
        await databases.CheckpointAsync(cancellationToken);
        var pandas = await PandasLoad.RunAsync(csvPath, others, keyed: false, cancellationToken);
        await log.WriteLineAsync(pandas.Ran ? $"  pandas: {pandas.Rows} rows in {pandas.Seconds:0.00} s" : $"  pandas: NOT RUN, {pandas.Missing}");
        var pandasKeyed = pandas;
        if (pandas.Ran)
        {
            await databases.CheckpointAsync(cancellationToken);
            pandasKeyed = await PandasLoad.RunAsync(csvPath, others, keyed: true, cancellationToken);
            await log.WriteLineAsync($"  pandas into a keyed table: {pandasKeyed.Rows} rows in {pandasKeyed.Seconds:0.00} s");
        }

        await databases.CheckpointAsync(cancellationToken);
        var dapperClock = Stopwatch.StartNew();
        var dapperRows = await NaiveDapperLoad.RunAsync(csvPath, others, settings.DapperRows, cancellationToken);
        var dapperSeconds = dapperClock.Elapsed.TotalSeconds;
        await log.WriteLineAsync($"  naive Dapper: {dapperRows} rows in {dapperSeconds:0.00} s");
        await databases.DropAsync(others, cancellationToken);

        return new EndToEndResult(settings.Rows, new FileInfo(csvPath).Length, firstSeconds, first, rerunSeconds, rerun, stored, archived,
            pandas, pandasKeyed, dapperRows, dapperSeconds, readAndMapSeconds, connectionString);
    }
}
