using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Service.Catalogue;
using WuzhongCollector.Service.Database;
using WuzhongCollector.Service.Plan;
using WuzhongCollector.Service.Query;

namespace WuzhongCollector.Benchmarks.Load;

public sealed record ReadLatency(string What, double BeforeP50Ms, double BeforeP99Ms, double AfterP50Ms, double AfterP99Ms);

public sealed record ReadSpeedResult(long Figures, long Superseded, int Queries, IReadOnlyList<ReadLatency> Reads);

/// <summary>
/// Reads keep their speed: the API's own queries on the loaded and revised store, and on the same figures laid out
/// as before issue 13 (every vintage in one history table with its series index, the latest again in a second
/// table), one query at a time on random series, the two layouts alternating.
/// </summary>
public static class ReadSpeedBench
{
    public static async Task<ReadSpeedResult> RunAsync(
        BenchSettings settings, BenchDatabase databases, string loaded, MonthlyExport export, TextWriter log, CancellationToken cancellationToken)
    {
        var old = await databases.CreateAsync("oldlayout");
        try
        {
            await using var oldSource = NpgsqlDataSource.Create(old);
            await SchemaMigrator.MigrateAsync(oldSource, NullLogger.Instance, cancellationToken, before: "130");
            await using var after = new NpgsqlConnection(loaded);
            await after.OpenAsync(cancellationToken);
            await using var before = await oldSource.OpenConnectionAsync(cancellationToken);
            await CopyIntoOldLayoutAsync(after, before, cancellationToken);
            await CatalogueStore.SaveAsync(oldSource, new BenchConfig(Path.Combine(settings.WorkDirectory, "old-layout")).LoadCatalogue(), cancellationToken);
            await before.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 0);

            var figures = await after.ExecuteScalarAsync<long>("SELECT count(*) FROM observation");
            var superseded = await after.ExecuteScalarAsync<long>("SELECT count(*) FROM observation_superseded");
            var firstLoad = await after.ExecuteScalarAsync<DateTime>("SELECT min(recorded_at) FROM observation");
            var codes = export.Indicators.Select(i => i.Code).ToArray();
            var areas = MonthlyExport.AreasFor(settings.Rows);
            var random = new Random(13);
            var samples = Enumerable.Range(0, settings.ReadQueries).Select(_ => (Code: codes[random.Next(codes.Length)], Area: MonthlyExport.AreaCode(random.Next(areas)))).ToList();

            var queries = new (string What, Func<NpgsqlConnection, (string Code, string Area), Task> Run)[]
            {
                ("/api/series, one area, now", (c, s) => c.QueryAsync(new CommandDefinition(QueryApi.SeriesSql, SeriesArgs(s, null)))),
                ("/api/series, one area, asOf the first load", (c, s) => c.QueryAsync(new CommandDefinition(QueryApi.SeriesSql, SeriesArgs(s, firstLoad)))),
                ("/api/series/{code}/revisions, one area", (c, s) => c.QueryAsync(new CommandDefinition(RevisionsApi.VintagesSql, new { code = s.Code, area = s.Area, period = (string?)null, asOf = (DateTimeOffset?)null }))),
                ("current figures of the 8 indicators, one area (plan page, progress)", (c, s) => CurrentFigures.LoadAsync(c, null, codes, s.Area, null, cancellationToken)),
                ("analyst.observation_history, one series", (c, s) => c.QueryAsync("SELECT * FROM analyst.observation_history WHERE indicator_code = @Code AND area_code = @Area", new { s.Code, s.Area })),
            };

            var reads = new List<ReadLatency>();
            foreach (var (what, run) in queries)
            {
                var (beforeP50, beforeP99) = await TimeAsync(before, samples, run);
                var (afterP50, afterP99) = await TimeAsync(after, samples, run);
                reads.Add(new ReadLatency(what, beforeP50, beforeP99, afterP50, afterP99));
                await log.WriteLineAsync($"  {what}: before p50 {beforeP50:0.00} ms, p99 {beforeP99:0.00} ms; after p50 {afterP50:0.00} ms, p99 {afterP99:0.00} ms");
            }

            return new ReadSpeedResult(figures, superseded, samples.Count, reads);
        }
        finally
        {
            await databases.DropAsync(old, CancellationToken.None);
        }
    }

    private static object SeriesArgs((string Code, string Area) s, DateTime? asOf) =>
        new { code = s.Code, unit = "", area = s.Area, asOf, fromDate = (DateOnly?)null, toDate = (DateOnly?)null };

    /// <summary>Every vintage into the old history table, the latest per key and source into the old latest table.</summary>
    private static async Task CopyIntoOldLayoutAsync(NpgsqlConnection from, NpgsqlConnection to, CancellationToken cancellationToken)
    {
        const string columns = "indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location";
        await using (var reader = await from.BeginRawBinaryCopyAsync($"COPY (SELECT {columns} FROM observation) TO STDOUT (FORMAT BINARY)", cancellationToken))
        await using (var writer = await to.BeginRawBinaryCopyAsync($"COPY observation ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            await reader.CopyToAsync(writer, cancellationToken);
        }

        await to.ExecuteAsync($"""
            INSERT INTO observation_latest ({columns})
            SELECT DISTINCT ON (indicator_code, area_code, period, source_id) {columns} FROM observation
            ORDER BY indicator_code, area_code, period, source_id, vintage DESC
            """, commandTimeout: 0);
    }

    private static async Task<(double P50, double P99)> TimeAsync(
        NpgsqlConnection connection, List<(string Code, string Area)> samples, Func<NpgsqlConnection, (string Code, string Area), Task> run)
    {
        foreach (var sample in samples.Take(20))
        {
            await run(connection, sample);
        }

        var times = new List<double>(samples.Count);
        foreach (var sample in samples)
        {
            var clock = Stopwatch.StartNew();
            await run(connection, sample);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return (times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.99) - 1]);
    }
}
