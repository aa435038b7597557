using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Service.Caching;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Benchmarks.Api;

/// <summary>One store size: the answer cache cold (every request a different series or area) and warm.</summary>
public sealed record ApiSizeResult(
    long StoredFigures, int Series, int Areas, double FillSeconds,
    Latency SeriesCold, Latency SeriesWarm, Latency SeriesNotModified, Latency ProgressCold, Latency ProgressWarm, IReadOnlySet<int> PointCounts);

public sealed record ApiLatencyResult(int Clients, int WarmSeries, int WarmAreas, IReadOnlyList<ApiSizeResult> Sizes);

/// <summary>
/// Scenario 5: GET /api/series/{code}?area= (120-point series) and GET /api/progress?area= from concurrent
/// clients on loopback, against the service binary in its API role, at two store sizes: the department dump
/// the end-to-end scenario loaded, and a bigger store written through <see cref="ObservationWriter"/>.
/// Cold: every request asks for a series (or area) not asked before, so the service reads the database.
/// Warm: requests spread over a working set already answered once, so the service answers from memory;
/// then the same with If-None-Match, answered 304.
/// </summary>
public static class ApiLatencyBench
{
    public static async Task<ApiLatencyResult> RunAsync(
        BenchSettings settings, BenchDatabase databases, DepartmentData data, string loadedConnectionString, string configDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var sizes = new List<ApiSizeResult>
        {
            await MeasureSizeAsync(settings, data, loadedConnectionString, settings.Rows, 0, configDirectory, log, cancellationToken),
        };

        if (settings.ApiBigRows > 0)
        {
            var big = await databases.CreateAsync("api");
            try
            {
                var fill = await FillAsync(big, data, settings.ApiBigRows, log, cancellationToken);
                sizes.Add(await MeasureSizeAsync(settings, data, big, settings.ApiBigRows, fill, configDirectory, log, cancellationToken));
            }
            finally
            {
                await databases.DropAsync(big, cancellationToken);
            }
        }

        return new ApiLatencyResult(settings.ApiClients, settings.ApiWarmSeries, settings.ApiWarmAreas, sizes);
    }

    /// <summary>The bigger store, written as a first load by the service's writer (no CSV), then vacuumed as autovacuum would.</summary>
    private static async Task<double> FillAsync(string connectionString, DepartmentData data, int rows, TextWriter log, CancellationToken cancellationToken)
    {
        await log.WriteLineAsync($"  writing {rows:N0} figures for the bigger store");
        var clock = Stopwatch.StartNew();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ObservationWriter.WriteAsync(connection, transaction, DepartmentData.SourceId, 1, "bench-sha", DateTimeOffset.UnixEpoch, data.Observations(rows, revised: false), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 0 })
        {
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        await log.WriteLineAsync($"  {rows:N0} figures written and vacuumed in {clock.Elapsed.TotalSeconds:0} s");
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<ApiSizeResult> MeasureSizeAsync(
        BenchSettings settings, DepartmentData data, string connectionString, int figures, double fillSeconds, string configDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var seriesCount = figures / DepartmentData.MonthsPerSeries;
        var areaCount = (seriesCount + DepartmentData.IndicatorCount - 1) / DepartmentData.IndicatorCount;
        var clients = settings.ApiClients;
        var warmRequests = clients * settings.ApiRequestsPerClient;
        var pointCounts = new ConcurrentDictionary<int, bool>();
        var etags = new ConcurrentDictionary<int, EntityTagHeaderValue>();

        await using var service = await ServiceProcess.StartAsync(connectionString, configDirectory, cancellationToken);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(service.BaseUrl) };
        await LoadClients.WaitUntilListeningAsync(client, cancellationToken);

        async Task<bool> SeriesAsync(int series, bool revalidate, bool countPoints)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/series/{data.IndicatorOf(series).Code}?area={DepartmentData.AreaOf(series)}");
            if (revalidate)
            {
                request.Headers.IfNoneMatch.Add(etags[series]);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.Headers.ETag is { } etag)
            {
                etags[series] = etag;
            }

            if (countPoints && response.IsSuccessStatusCode)
            {
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                pointCounts[json.RootElement.GetProperty("points").GetArrayLength()] = true;
            }
            else
            {
                await DiscardAsync(response, cancellationToken);
            }

            return revalidate ? response.StatusCode == HttpStatusCode.NotModified : response.IsSuccessStatusCode;
        }

        async Task<bool> ProgressAsync(int area)
        {
            using var response = await client.GetAsync($"/api/progress?area={DepartmentData.AreaOf(area * DepartmentData.IndicatorCount)}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await DiscardAsync(response, cancellationToken);
            return response.IsSuccessStatusCode;
        }

        // Cold: each series once, in a random order.
        var coldSeries = Shuffled(seriesCount, 1).Take(Math.Min(seriesCount, settings.ApiColdRequests)).ToArray();
        var seriesCold = await LoadClients.MeasureAsync(service, client, clients, coldSeries.Length, i => SeriesAsync(coldSeries[i], false, i % 50 == 0), cancellationToken);
        await log.WriteLineAsync($"  {figures:N0} figures, series cold: {Show(seriesCold)}");

        // Warm: a commit elsewhere would drop everything; so does this notification. Then the working set is read once.
        await NotifyFigureChangeAsync(client, connectionString, cancellationToken);
        var warmSeries = Shuffled(seriesCount, 2).Take(Math.Min(seriesCount, settings.ApiWarmSeries)).ToArray();
        await LoadClients.MeasureAsync(service, client, clients, warmSeries.Length, i => SeriesAsync(warmSeries[i], false, false), cancellationToken);
        var random = new Random(3);
        var picks = Enumerable.Range(0, warmRequests).Select(_ => warmSeries[random.Next(warmSeries.Length)]).ToArray();
        var seriesWarm = await LoadClients.MeasureAsync(service, client, clients, warmRequests, i => SeriesAsync(picks[i], false, i % 50 == 0), cancellationToken);
        await log.WriteLineAsync($"  {figures:N0} figures, series warm: {Show(seriesWarm)}");
        var seriesNotModified = await LoadClients.MeasureAsync(service, client, clients, warmRequests, i => SeriesAsync(picks[i], true, false), cancellationToken);
        await log.WriteLineAsync($"  {figures:N0} figures, series warm, If-None-Match: {Show(seriesNotModified)}");

        var coldAreas = Shuffled(areaCount, 4).Take(Math.Min(areaCount, settings.ApiColdRequests)).ToArray();
        var progressCold = await LoadClients.MeasureAsync(service, client, clients, coldAreas.Length, i => ProgressAsync(coldAreas[i]), cancellationToken);
        await log.WriteLineAsync($"  {figures:N0} figures, progress cold: {Show(progressCold)}");
        var warmAreas = Enumerable.Range(0, Math.Min(areaCount, settings.ApiWarmAreas)).ToArray();
        await LoadClients.MeasureAsync(service, client, clients, warmAreas.Length, i => ProgressAsync(warmAreas[i]), cancellationToken);
        var areaPicks = Enumerable.Range(0, warmRequests).Select(_ => warmAreas[random.Next(warmAreas.Length)]).ToArray();
        var progressWarm = await LoadClients.MeasureAsync(service, client, clients, warmRequests, i => ProgressAsync(areaPicks[i]), cancellationToken);
        await log.WriteLineAsync($"  {figures:N0} figures, progress warm: {Show(progressWarm)}");

        return new ApiSizeResult(figures, seriesCount, areaCount, fillSeconds, seriesCold, seriesWarm, seriesNotModified, progressCold, progressWarm,
            pointCounts.Keys.ToHashSet());
    }

    /// <summary>What every commit does: NOTIFY on the figures channel. Waits until the service has dropped its answers.</summary>
    private static async Task NotifyFigureChangeAsync(HttpClient client, string connectionString, CancellationToken cancellationToken)
    {
        var before = await LoadClients.InvalidationsAsync(client, cancellationToken);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var notify = new NpgsqlCommand($"NOTIFY {FigureChanges.Channel}", connection);
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        while (await LoadClients.InvalidationsAsync(client, cancellationToken) == before)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Reads the whole body through a pooled buffer, so the load generator's garbage does not pause it more than needed.</summary>
    private static async Task DiscardAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(Stream.Null, cancellationToken);
    }

    private static int[] Shuffled(int count, int seed)
    {
        var items = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(items);
        return items;
    }

    private static string Show(Latency l) =>
        $"p50 {l.P50Ms:0.00} ms, p99 {l.P99Ms:0.00} ms, {l.RequestsPerSecond:0} req/s, {l.Requests} requests ({l.FromMemory} from memory, {l.Failures} failed), CPU per request: service {l.ServiceCpuMs:0.000} ms, clients {l.ClientCpuMs:0.000} ms";
}
