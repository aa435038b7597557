using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace WuzhongCollector.Service.Tests.Reliability.Soak;

/// <summary>
/// Sources on a fast cron against a fault-injecting server whose data is revised every few seconds, the
/// service killed (SIGKILL) or stopped (SIGTERM) and restarted at random; then calm, and the invariants:
/// every source's current figures equal what the server publishes last, vintages of each key are exactly
/// 1..n with each one a change, every stored value is one the server really published, and nothing was rejected.
/// <c>tests/soak/soak.sh [seconds]</c> runs it for minutes; the suite runs it for 20 s (WUZHONG_SOAK_SECONDS).
/// </summary>
[Trait("Category", "Soak")]
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int HttpSources = 8;
    private const int CsvSources = 2;
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Soak_FlakySourcesRevisionsAndRandomKills_KeepEveryInvariant()
    {
        var seconds = int.Parse(Environment.GetEnvironmentVariable("WUZHONG_SOAK_SECONDS") ?? "20", CultureInfo.InvariantCulture);
        var seed = int.Parse(Environment.GetEnvironmentVariable("WUZHONG_SOAK_SEED") ?? Random.Shared.Next(1_000_000).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var random = new Random(seed);
        await using var server = await FaultyOpenDataServer.StartAsync(HttpSources + CsvSources, s => RepoCatalogue.CountsWhole(LargeCsv.Indicators[s]), seed);
        WriteSources(server);
        var database = await TestDatabase.CreateAsync("soak");
        var clock = Stopwatch.StartNew();
        var (kills, stops) = (0, 0);

        var service = ServiceProcess.Start(database.ConnectionString, config.Directory);
        try
        {
            var nextVersion = TimeSpan.FromSeconds(4);
            var nextFault = TimeSpan.FromSeconds(random.Next(5, 9));
            // A slow machine can push the second fault past the deadline; the soak is not over until it has seen both kinds.
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds) || kills + stops < 2)
            {
                if (clock.Elapsed >= nextVersion)
                {
                    server.PublishNextVersion();
                    WriteCsvFiles(server);
                    nextVersion += TimeSpan.FromSeconds(4);
                }

                if (clock.Elapsed >= nextFault)
                {
                    // The first fault is always a kill and the second a SIGTERM, so even a short soak sees both.
                    var kill = (kills + stops) switch { 0 => true, 1 => false, _ => random.Next(3) > 0 };
                    if (kill)
                    {
                        await service.KillAsync();
                        kills++;
                    }
                    else
                    {
                        service.Terminate();
                        await service.WaitForExitAsync(seconds: 60);
                        stops++;
                    }

                    await service.DisposeAsync();
                    service = ServiceProcess.Start(database.ConnectionString, config.Directory);
                    nextFault = clock.Elapsed + TimeSpan.FromSeconds(random.Next(5, 13));
                }

                await Task.Delay(100);
            }

            // A last revision after the faults stop, so converging needs runs that happen after them.
            server.CalmDown();
            server.PublishNextVersion();
            WriteCsvFiles(server);
            var faultsEnded = clock.Elapsed;
            await WaitUntilConvergedAsync(database, server, service);
            output.WriteLine($"converged {clock.Elapsed - faultsEnded:mm\\:ss} after the faults stopped");
            service.Terminate();
            await service.WaitForExitAsync(seconds: 60);
        }
        finally
        {
            await service.DisposeAsync();
        }

        var report = await CheckInvariantsAsync(database, server);
        output.WriteLine($"soak seed {seed}: {clock.Elapsed:mm\\:ss} in all, {seconds} s of faults; {server.Version} versions published; "
            + $"{kills} kill -9, {stops} SIGTERM, {kills + stops} restarts; {server.Calls} HTTP calls, injected faults: "
            + string.Join(", ", server.Faults.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value}")));
        output.WriteLine(report);
    }

    private void WriteSources(FaultyOpenDataServer server)
    {
        for (var s = 0; s < HttpSources + CsvSources; s++)
        {
            var mapping = $"mapping: {{ indicator: {{ const: {LargeCsv.Indicators[s]} }}, period: period, value: value }}";
            config.WriteSource($"soak-{s:00}", s < HttpSources
                ? $$"""
                    kind: http-json
                    schedule: { cron: "*/3 * * * * *" }
                    http:
                      url: "{{server.BaseUrl}}/s/{{s}}"
                      records: data
                      resilience: { attemptTimeoutSeconds: 2, totalTimeoutSeconds: 8, maxRetries: 2, baseDelaySeconds: 0, maxRetryAfterSeconds: 2, breakSeconds: 1 }
                    {{mapping}}
                    """
                : $$"""
                    kind: csv
                    schedule: { cron: "*/3 * * * * *" }
                    file: { path: exports/soak-{{s:00}}.csv }
                    {{mapping}}
                    """);
        }

        WriteCsvFiles(server);
    }

    /// <summary>Written to a temporary name and renamed, as a department's export job must, so no run reads half a file.</summary>
    private void WriteCsvFiles(FaultyOpenDataServer server)
    {
        for (var s = HttpSources; s < HttpSources + CsvSources; s++)
        {
            var values = server.Current(s);
            var text = new StringBuilder("period,value\n");
            for (var p = 0; p < values.Length; p++)
            {
                text.Append(FaultyOpenDataServer.Periods[p]).Append(',').Append(values[p].ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            var path = config.WriteFile($"exports/soak-{s:00}.csv.tmp", text.ToString());
            File.Move(path, path[..^4], overwrite: true);
        }
    }

    private static async Task WaitUntilConvergedAsync(TestDatabase database, FaultyOpenDataServer server, ServiceProcess service)
    {
        try
        {
            await Eventually.TrueAsync(async () => (await LaggingAsync(database, server)).Count == 0, seconds: 150);
        }
        catch (TimeoutException ex)
        {
            var output = service.Output.Split(Environment.NewLine);
            throw new TimeoutException(
                $"{ex.Message}; sources not at the last version: {string.Join(", ", await LaggingAsync(database, server))}{Environment.NewLine}"
                + $"{await database.DescribeAsync()}{Environment.NewLine}service output (end):{Environment.NewLine}{string.Join(Environment.NewLine, output[^Math.Min(80, output.Length)..])}", ex);
        }
    }

    private static async Task<List<string>> LaggingAsync(TestDatabase database, FaultyOpenDataServer server)
    {
        var lagging = new List<string>();
        for (var s = 0; s < HttpSources + CsvSources; s++)
        {
            if (!(await LatestAsync(database, s)).SequenceEqual(server.Current(s)))
            {
                lagging.Add($"soak-{s:00}");
            }
        }

        return lagging;
    }

    private static async Task<decimal[]> LatestAsync(TestDatabase database, int source)
    {
        List<(string Period, decimal Value)> rows;
        try
        {
            rows = await database.QueryAsync<(string Period, decimal Value)>(
                "SELECT period, value FROM observation_latest WHERE source_id = @id", new { id = $"soak-{source:00}" });
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // On a loaded machine every instance may have been stopped before it created the schema: nothing stored yet.
            rows = [];
        }
        var values = new decimal[FaultyOpenDataServer.Periods.Length];
        foreach (var (period, value) in rows)
        {
            values[PeriodIndex(period)] = value;
        }

        return rows.Count == values.Length ? values : [];
    }

    private static int PeriodIndex(string period) => period.Length == 4
        ? int.Parse(period, CultureInfo.InvariantCulture) - 2021
        : 2 + int.Parse(period[5..], CultureInfo.InvariantCulture);

    private static async Task<string> CheckInvariantsAsync(TestDatabase database, FaultyOpenDataServer server)
    {
        var keys = await database.QueryAsync<(string Source, string Period, int[] Vintages, decimal[] Values, int LatestVintage, decimal LatestValue)>("""
            SELECT o.source_id, o.period, array_agg(o.vintage ORDER BY o.vintage), array_agg(o.value ORDER BY o.vintage), l.vintage, l.value
            FROM observation o
            JOIN observation_latest l USING (indicator_code, area_code, period, source_id)
            GROUP BY o.source_id, o.indicator_code, o.area_code, o.period, l.vintage, l.value
            """);
        Assert.Equal((HttpSources + CsvSources) * FaultyOpenDataServer.Periods.Length, keys.Count);
        foreach (var key in keys)
        {
            var source = int.Parse(key.Source[^2..], CultureInfo.InvariantCulture);
            var period = PeriodIndex(key.Period);
            // No missing and no duplicate vintages: exactly 1..n, each one a change, the last one current.
            Assert.Equal(Enumerable.Range(1, key.Vintages.Length), key.Vintages);
            Assert.All(key.Values.Zip(key.Values.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
            Assert.Equal((key.Vintages[^1], key.Values[^1]), (key.LatestVintage, key.LatestValue));
            Assert.Equal(server.Current(source)[period], key.LatestValue);
            // Nothing invented: every vintage is a value the server published for that key.
            Assert.All(key.Values, v => Assert.True(server.WasPublished(source, period, v), $"{key.Source} {key.Period}: {v} was never published"));
        }

        // Every figure the server publishes is valid (whole for a count), so a reject is a bug in the fixture or the product.
        Assert.Empty(await database.QueryAsync<string>("SELECT concat_ws(' ', source_id, location, raw_value, reason) FROM reject"));
        var runs = await database.QueryAsync<(string Outcome, long Count)>("SELECT outcome, count(*) FROM run GROUP BY outcome ORDER BY outcome");
        Assert.DoesNotContain(runs, r => r.Outcome is "failed-unexpected" or "running");
        var vintages = keys.Sum(k => k.Vintages.Length);
        return $"{keys.Count} keys, {vintages} vintages (max {keys.Max(k => k.Vintages.Length)} for one key); runs: "
            + string.Join(", ", runs.Select(r => $"{r.Outcome} {r.Count}"));
    }
}
