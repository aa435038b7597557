using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using WuzhongCollector.Benchmarks.Data;

namespace WuzhongCollector.Benchmarks.Scheduling;

public sealed record SchedulingResult(
    int Sources, double BuildSeconds, double RegisterSeconds, double CycleSeconds, int EndpointCalls,
    IReadOnlyDictionary<string, int> Outcomes, long Observations, int RecurringJobs, double CycleServiceCpuSeconds, double? CyclePostgresCpuSeconds);

/// <summary>
/// Scenario 6: many configured http-json sources against a loopback endpoint. Times building the service
/// (loading and validating every source file), registering one recurring job per source, and one full
/// cycle: every recurring job triggered, run by the service's Hangfire workers, until every run is recorded.
/// </summary>
public static class ManySourcesBench
{
    public static async Task<SchedulingResult> RunAsync(BenchSettings settings, BenchDatabase databases, TextWriter log, CancellationToken cancellationToken)
    {
        await using var endpoint = await StartEndpointAsync(settings.RecordsPerSource);
        var config = new BenchConfig(Path.Combine(settings.WorkDirectory, "sources"));
        for (var i = 0; i < settings.Sources; i++)
        {
            config.WriteSource(SourceId(i), SourceYaml(endpoint.BaseUrl, i));
        }

        var connectionString = await databases.CreateAsync("sources");
        var clock = Stopwatch.StartNew();
        // All 1,000 sources call this one loopback server; the per-host politeness limit (3 calls/s by default,
        // meant for a remote portal) would make the cycle measure the limit, not the service.
        var hostLimit = new Dictionary<string, string?> { ["Collector:Http:RequestsPerSecondPerHost"] = "1000" };
        var app = await InProcessService.BuildAsync(connectionString, config.Directory, runScheduler: true, hostLimit, cancellationToken);
        var buildSeconds = clock.Elapsed.TotalSeconds;
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            clock.Restart();
            await app.StartAsync(cancellationToken);
            // Registration runs once the host has started; it is done when the last source row is written.
            await WaitForAsync(dataSource, "SELECT count(*) FROM source", settings.Sources, TimeSpan.FromMinutes(2), cancellationToken);
            var registerSeconds = clock.Elapsed.TotalSeconds;
            await log.WriteLineAsync($"  {settings.Sources} sources: built in {buildSeconds:0.00} s, registered in {registerSeconds:0.00} s");

            var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
            var (cpu, cluster) = (Process.GetCurrentProcess().TotalProcessorTime, WritePath.CpuClock.ClusterSeconds(BenchDatabase.DataDirectory));
            clock.Restart();
            for (var i = 0; i < settings.Sources; i++)
            {
                jobs.Trigger(SourceId(i));
            }

            await WaitForAsync(dataSource, "SELECT count(*) FROM run WHERE finished_at IS NOT NULL", settings.Sources, TimeSpan.FromMinutes(10), cancellationToken);
            var cycleSeconds = clock.Elapsed.TotalSeconds;
            var serviceCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var postgresCpu = WritePath.CpuClock.ClusterSeconds(BenchDatabase.DataDirectory) - cluster;
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var outcomes = (await connection.QueryAsync<(string Outcome, int Count)>("SELECT outcome, count(*)::int FROM run GROUP BY outcome"))
                .ToDictionary(r => r.Outcome, r => r.Count, StringComparer.Ordinal);
            var observations = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation");
            var recurring = await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM hangfire.set WHERE key = 'recurring-jobs' AND value NOT LIKE 'system:%'");
            await log.WriteLineAsync($"  one cycle of {settings.Sources} sources in {cycleSeconds:0.00} s ({string.Join(", ", outcomes.Select(o => $"{o.Value} {o.Key}"))}; CPU: service and endpoint {serviceCpu:0.0} s, PostgreSQL {postgresCpu:0.0} s)");
            return new SchedulingResult(settings.Sources, buildSeconds, registerSeconds, cycleSeconds, endpoint.Calls, outcomes, observations, recurring, serviceCpu, postgresCpu);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            await databases.DropAsync(connectionString, CancellationToken.None);
        }
    }

    private static string SourceId(int i) => "bench-" + i.ToString("D4", CultureInfo.InvariantCulture);

    private static string SourceYaml(string baseUrl, int i) => $"""
        name: 基准测试接口 {i}
        kind: http-json
        schedule: {"{"} cron: "0 4 * * *", timeZone: Asia/Shanghai {"}"}
        http:
          url: "{baseUrl}/s/{i}"
          records: data.records
        mapping:
          indicator: zbdm
          area: dq
          period: sj
          value: sz
          unit: dw
        """;

    private static async Task WaitForAsync(NpgsqlDataSource dataSource, string countSql, long expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                if (await connection.ExecuteScalarAsync<long>(countSql) >= expected)
                {
                    return;
                }
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"'{countSql}' did not reach {expected} within {timeout}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private sealed class Endpoint(WebApplication app, string baseUrl, Func<int> calls) : IAsyncDisposable
    {
        public string BaseUrl => baseUrl;

        public int Calls => calls();

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A real HTTP server on 127.0.0.1 standing in for the open-data portals: /s/{i} answers each source's records.</summary>
    private static async Task<Endpoint> StartEndpointAsync(int recordsPerSource)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var calls = 0;
        app.MapGet("/s/{i:int}", (int i, HttpContext context) =>
        {
            Interlocked.Increment(ref calls);
            var json = new StringBuilder("{\"data\":{\"records\":[");
            for (var r = 0; r < recordsPerSource; r++)
            {
                json.Append(r == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $"{{\"zbdm\":\"BASE_STATIONS_5G\",\"dq\":\"3205{i:D5}\",\"sj\":\"{2010 + r}\",\"sz\":\"{(i * 31) + r}\",\"dw\":\"个\"}}");
            }

            return Results.Text(json.Append("]}}").ToString(), "application/json; charset=utf-8");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Endpoint(app, address, () => Volatile.Read(ref calls));
    }
}
