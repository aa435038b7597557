using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Service.Query;

namespace WuzhongCollector.Benchmarks.Api;

public sealed record Latency(int Requests, double P50Ms, double P99Ms, double MaxMs, double RequestsPerSecond, int Failures, IReadOnlySet<int> PointCounts);

public sealed record ApiLatencyResult(int Clients, long TableRows, Latency Http, Latency Direct, Latency HttpOneClient, Latency DirectOneClient);

/// <summary>
/// Scenario 5: GET /api/series/{code}?area= for random 120-point series of the loaded department dump,
/// from concurrent clients on loopback against the service binary in its API role, next to the endpoint's
/// own SQL (<see cref="QueryApi.SeriesSql"/>) run directly through Dapper with the same concurrency.
/// </summary>
public static class ApiLatencyBench
{
    private const int WarmUpRequests = 200;

    public static async Task<ApiLatencyResult> RunAsync(
        BenchSettings settings, DepartmentData data, string loadedConnectionString, string configDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var seriesCount = settings.Rows / DepartmentData.MonthsPerSeries;
        long tableRows;
        await using (var connection = new NpgsqlConnection(loadedConnectionString))
        {
            tableRows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation");
        }

        Latency http, httpOne;
        await using (var service = await ServiceProcess.StartAsync(loadedConnectionString, configDirectory, cancellationToken))
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.ApiClients }) { BaseAddress = new Uri(service.BaseUrl) };
            async Task<int?> GetAsync(int series, bool countPoints)
            {
                var indicator = data.IndicatorOf(series).Code;
                using var response = await client.GetAsync($"/api/series/{indicator}?area={DepartmentData.AreaOf(series)}", cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return null;
                }

                if (!countPoints)
                {
                    return -1;
                }

                using var json = JsonDocument.Parse(body);
                return json.RootElement.GetProperty("points").GetArrayLength();
            }

            await MeasureAsync(1, Math.Min(WarmUpRequests, settings.ApiRequestsPerClient * settings.ApiClients), seriesCount, GetAsync);
            http = await MeasureAsync(settings.ApiClients, settings.ApiRequestsPerClient, seriesCount, GetAsync);
            httpOne = await MeasureAsync(1, OneClientRequests(settings), seriesCount, GetAsync);
        }

        await log.WriteLineAsync($"  HTTP: p50 {http.P50Ms:0.00} ms, p99 {http.P99Ms:0.00} ms over {http.Requests} requests ({http.Failures} failed)");

        await using var dataSource = NpgsqlDataSource.Create(loadedConnectionString);
        async Task<int?> QueryAsync(int series, bool countPoints)
        {
            var indicator = data.IndicatorOf(series);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = await connection.QueryAsync<SeriesPoint>(new CommandDefinition(QueryApi.SeriesSql, new
            {
                code = indicator.Code,
                area = DepartmentData.AreaOf(series),
                asOf = (DateTimeOffset?)null,
                fromDate = (DateOnly?)null,
                toDate = (DateOnly?)null,
                unit = indicator.Unit,
            }, cancellationToken: cancellationToken));
            return rows.Count();
        }

        await MeasureAsync(1, Math.Min(WarmUpRequests, settings.ApiRequestsPerClient * settings.ApiClients), seriesCount, QueryAsync);
        var direct = await MeasureAsync(settings.ApiClients, settings.ApiRequestsPerClient, seriesCount, QueryAsync);
        var directOne = await MeasureAsync(1, OneClientRequests(settings), seriesCount, QueryAsync);
        await log.WriteLineAsync($"  direct SQL: p50 {direct.P50Ms:0.00} ms, p99 {direct.P99Ms:0.00} ms");
        await log.WriteLineAsync($"  one client: HTTP p50 {httpOne.P50Ms:0.00} ms, p99 {httpOne.P99Ms:0.00} ms; direct p50 {directOne.P50Ms:0.00} ms, p99 {directOne.P99Ms:0.00} ms");
        return new ApiLatencyResult(settings.ApiClients, tableRows, http, direct, httpOne, directOne);
    }

    /// <summary>One client alone shows what a request costs without queueing behind the others.</summary>
    private static int OneClientRequests(BenchSettings settings) => Math.Max(10, settings.ApiRequestsPerClient / 2);

    /// <summary>Each client sends its requests one after another; a point count is checked on every 50th.</summary>
    private static async Task<Latency> MeasureAsync(int clients, int requestsPerClient, int seriesCount, Func<int, bool, Task<int?>> request)
    {
        var samples = new double[clients * requestsPerClient];
        var failures = 0;
        var pointCounts = new HashSet<int>();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            for (var i = 0; i < requestsPerClient; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var points = await request(random.Next(seriesCount), i % 50 == 0);
                samples[(client * requestsPerClient) + i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (points is null)
                {
                    Interlocked.Increment(ref failures);
                }
                else if (points >= 0)
                {
                    lock (pointCounts)
                    {
                        pointCounts.Add(points.Value);
                    }
                }
            }
        })));
        var seconds = wall.Elapsed.TotalSeconds;
        Array.Sort(samples);
        return new Latency(samples.Length, Percentile(samples, 0.50), Percentile(samples, 0.99), samples[^1], samples.Length / seconds, failures, pointCounts);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
