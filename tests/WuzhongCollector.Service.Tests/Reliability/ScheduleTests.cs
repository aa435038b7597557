using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>Schedules across downtime and time-zone ids.</summary>
[Trait("Category", "Reliability")]
public sealed class ScheduleTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    private static string MonthlySource(string timeZone = "Asia/Shanghai") => $$"""
        kind: csv
        schedule: { cron: "0 2 * * *", timeZone: {{timeZone}} }
        file: { path: exports/monthly.csv }
        mapping:
          indicator: { from: 指标名称, codes: { 网络零售额: ONLINE_RETAIL_SALES } }
          period: 期别
          value: 数值
        """;

    private static string Months(int from, int to) =>
        "指标名称,期别,数值\n" + string.Concat(Enumerable.Range(from, to - from + 1).Select(m => $"网络零售额,2024年{m}月,{10 + m}.5\n"));

    [Fact]
    public async Task Misfire_AfterThreeDaysDown_GivesOneCatchUpRun_ThatBackfillsEveryMissingPeriod()
    {
        config.WriteSource("monthly", MonthlySource());
        config.WriteFile("exports/monthly.csv", Months(1, 3));
        var database = await TestDatabase.CreateAsync("misfire");
        await using (var before = await CollectorHost.StartAsync(config, database.ConnectionString))
        {
            await Eventually.TrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM source") == 1);
            Assert.Equal(3, (await before.CollectAsync("monthly")).Counts!.Stored);
        }

        // Every server was down for three days: three 02:00 occurrences passed unseen, and the department's
        // export gained three months meanwhile.
        var lastExecution = TimeProvider.System.GetUtcNow().AddDays(-3.5);
        var missed = Cronos.CronExpression.Parse("0 2 * * *").GetNextOccurrence(lastExecution, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"))!.Value;
        // Hangfire counts occurrences from the last execution, and finds due jobs by their score in a sorted set.
        await database.ExecuteAsync("""
            INSERT INTO hangfire.hash (key, field, value) VALUES ('recurring-job:monthly', 'LastExecution', @last)
            ON CONFLICT (key, field) DO UPDATE SET value = excluded.value;
            UPDATE hangfire.hash SET value = @next WHERE key = 'recurring-job:monthly' AND field = 'NextExecution';
            UPDATE hangfire.set SET score = @score WHERE key = 'recurring-jobs' AND value = 'monthly';
            """,
            new { last = Milliseconds(lastExecution), next = Milliseconds(missed), score = (double)missed.ToUnixTimeSeconds() });
        config.WriteFile("exports/monthly.csv", Months(1, 6));

        await using var after = await CollectorHost.StartAsync(config, database.ConnectionString);
        var catchUp = await Eventually.Async(async () =>
            (await database.QueryAsync<(string Outcome, int Stored)>("SELECT outcome, stored FROM run WHERE job_id IS NOT NULL")) is [var run] && run.Outcome != "running" ? new[] { run } : null);
        var enqueued = await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.jobparameter WHERE name = 'RecurringJobId' AND value = '\"monthly\"'");
        using var storage = after.Services.GetRequiredService<JobStorage>().GetConnection();
        var next = storage.GetRecurringJobs().Single(j => j.Id == "monthly").NextExecution;
        var periods = await database.QueryAsync<string>("SELECT period FROM observation ORDER BY period_end");

        Assert.Equal(1, enqueued);
        Assert.Equal(("succeeded", 3), catchUp[0]);
        Assert.Equal(["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"], periods);
        Assert.True(next > TimeProvider.System.GetUtcNow().UtcDateTime, $"the next occurrence {next:O} is not in the future");
        Assert.Equal(18, next!.Value.Hour);
    }

    private static string Milliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Start_IanaAndWindowsTimeZoneIds_BothScheduleAt0200Shanghai()
    {
        config.WriteFile("exports/monthly.csv", Months(1, 1));
        config.WriteSource("iana", MonthlySource("Asia/Shanghai"));
        config.WriteSource("windows", MonthlySource("China Standard Time"));
        await using var host = await CollectorHost.StartAsync(config);

        var jobs = await Eventually.Async(() =>
        {
            using var storage = host.Services.GetRequiredService<JobStorage>().GetConnection();
            var list = storage.GetRecurringJobs();
            return list.Count(j => j.Id is "iana" or "windows") == 2 ? list.Where(j => j.Id is "iana" or "windows").OrderBy(j => j.Id).ToList() : null;
        });

        Assert.All(jobs, j => Assert.Null(j.Error));
        Assert.All(jobs, j => Assert.Equal((18, 0), (j.NextExecution!.Value.Hour, j.NextExecution.Value.Minute)));
        Assert.Equal(jobs[0].NextExecution, jobs[1].NextExecution);
        Assert.Equal(["Asia/Shanghai", "China Standard Time"], jobs.Select(j => j.TimeZoneId));
    }

    [Fact]
    public async Task Start_UnknownTimeZone_StopsStartUpNamingTheFileAndField()
    {
        config.WriteSource("mars", MonthlySource("Mars/Olympus_Mons"));

        var failure = await Assert.ThrowsAsync<ConfigurationException>(() => CollectorHost.StartAsync(config, connectionString: "Host=127.0.0.1;Port=1"));

        Assert.Equal(["mars.yaml:2: schedule.timeZone: unknown time zone 'Mars/Olympus_Mons'"], failure.Errors.Select(e => e.ToString()));
    }
}
