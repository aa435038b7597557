using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// The database's own time zone must not leak into periods, timestamps or schedules: the same run
/// against a UTC database and a UTC+13 one (where 15:30 UTC is already tomorrow) gives identical results.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class DatabaseTimeZoneTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task NonUtcDatabase_GivesTheSamePeriodsTimestampsApiAnswersAndSchedules_AsUtc()
    {
        config.WriteSource("gxj-csv", """
            kind: csv
            schedule: { cron: "0 2 * * *", timeZone: Asia/Shanghai }
            file: { path: exports/gxj.csv }
            mapping:
              indicator: { from: 指标名称, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED } }
              period: 期别
              value: 数值
            """);
        config.WriteFile("exports/gxj.csv", """
            指标名称,期别,数值
            数字经济核心产业增加值,2023年,520
            数字经济核心产业增加值,2023年9月,41.5
            数字经济核心产业增加值,2023年1-9月,388.2
            数字经济核心产业增加值,2023-Q4,150.1
            """);

        var utc = await RunOnceAsync(timeZone: null);
        var tongatapu = await RunOnceAsync(timeZone: "Pacific/Tongatapu");

        Assert.Equal("UTC", utc.SessionTimeZone);
        Assert.Equal("Pacific/Tongatapu", tongatapu.SessionTimeZone);
        Assert.Equal(utc.Observations, tongatapu.Observations);
        Assert.Equal(
            [
                "2023|year|2023-12-31|520|2024-03-01T15:30:00.0000000Z",
                "2023-01..2023-09|ytd|2023-09-30|388.2|2024-03-01T15:30:00.0000000Z",
                "2023-09|month|2023-09-30|41.5|2024-03-01T15:30:00.0000000Z",
                "2023-Q4|quarter|2023-12-31|150.1|2024-03-01T15:30:00.0000000Z",
            ],
            tongatapu.Observations);
        Assert.Equal(utc.Series, tongatapu.Series);
        Assert.Equal(utc.Runs, tongatapu.Runs);
        Assert.Equal(utc.Sources, tongatapu.Sources);
        // 02:00 in Shanghai is 18:00 UTC the day before, whatever the database's zone.
        Assert.Equal(utc.NextExecution, tongatapu.NextExecution);
        Assert.Equal((18, 0, 0), (tongatapu.NextExecution.Hour, tongatapu.NextExecution.Minute, tongatapu.NextExecution.Second));
        Assert.Equal((1, 1), (utc.RunCount, utc.JobCount));
        Assert.Equal((1, 1), (tongatapu.RunCount, tongatapu.JobCount));
    }

    private async Task<Outcome> RunOnceAsync(string? timeZone)
    {
        var connectionString = await TestServer.CreateDatabaseAsync("tz");
        var database = new TestDatabase(connectionString);
        if (timeZone is not null)
        {
            await database.ExecuteAsync($"ALTER DATABASE \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\" SET timezone = '{timeZone}'");
        }

        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 1, 15, 30, 0, TimeSpan.Zero));
        await using var host = await CollectorHost.StartAsync(config, connectionString, timeProvider: time);
        await Eventually.TrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM source") == 1);
        host.Services.GetRequiredService<IRecurringJobManager>().Trigger("gxj-csv");
        try
        {
            await Eventually.TrueAsync(async () =>
                await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded'") == 1
                && await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.jobqueue") == 0, seconds: 120);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} (time zone {timeZone ?? "UTC"}); {await database.DescribeAsync()}", ex);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        var observations = (await connection.QueryAsync<(string Period, string Type, string End, decimal Value, DateTime RecordedAt)>(
                "SELECT period, period_type, period_end::text, value, recorded_at FROM observation ORDER BY period"))
            .Select(o => $"{o.Period}|{o.Type}|{o.End}|{o.Value}|{o.RecordedAt:O}")
            .ToList();
        using var storage = host.Services.GetRequiredService<JobStorage>().GetConnection();
        return new Outcome(
            await connection.ExecuteScalarAsync<string>("SHOW timezone") ?? "",
            observations,
            await host.Http.GetStringAsync("/api/series/DE_CORE_VALUE_ADDED?asOf=2024-03-01T15:30:00Z"),
            await host.Http.GetStringAsync("/api/runs"),
            await host.Http.GetStringAsync("/api/sources"),
            storage.GetRecurringJobs().Single(j => j.Id == "gxj-csv").NextExecution!.Value,
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM run"),
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM hangfire.job"));
    }

    private sealed record Outcome(
        string SessionTimeZone, List<string> Observations, string Series, string Runs, string Sources, DateTime NextExecution, long RunCount, long JobCount);
}
