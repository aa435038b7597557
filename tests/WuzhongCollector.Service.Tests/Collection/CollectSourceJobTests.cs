using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Collection;

public sealed class CollectSourceJobTests : IDisposable
{
    private readonly TestConfig config = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero));

    private const string CsvSource = """
        name: test csv
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: exports/robots.csv }
        mapping:
          indicator:
            from: 指标名称
            codes: { 推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED, 数字经济核心产业增加值: DE_CORE_VALUE_ADDED }
          period: 期别
          value: 数值
          unit: 单位
        """;

    private const string Csv = """
        指标名称,期别,数值,单位
        推广应用工业机器人,2021年,310,台
        推广应用工业机器人,2022年,655,台
        数字经济核心产业增加值,2022年,4485000,万元
        """;

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Collect_UnchangedPayload_WritesNoObservations()
    {
        config.WriteSource("robots", CsvSource);
        config.WriteFile("exports/robots.csv", Csv);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);

        var first = await host.CollectAsync("robots");
        var rowsAfterFirst = await CountAsync(host, "SELECT count(*) FROM observation");
        time.Advance(TimeSpan.FromDays(1));
        var second = await host.CollectAsync("robots");

        Assert.Equal("succeeded", first.Outcome);
        Assert.Equal(3, first.Counts!.Stored);
        Assert.Equal(3, rowsAfterFirst);
        Assert.Equal("unchanged", second.Outcome);
        Assert.Equal(3, await CountAsync(host, "SELECT count(*) FROM observation"));
        Assert.Equal(448.5m, await host.ScalarAsync<decimal>("SELECT value FROM observation WHERE indicator_code = 'DE_CORE_VALUE_ADDED'"));
    }

    [Fact]
    public async Task Collect_OneValueChanged_AddsExactlyOneVintage_AndAsOfReturnsTheOldValue()
    {
        config.WriteSource("robots", CsvSource);
        config.WriteFile("exports/robots.csv", Csv);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        await host.CollectAsync("robots");
        var beforeChange = time.GetUtcNow().AddHours(1);

        time.Advance(TimeSpan.FromDays(2));
        config.WriteFile("exports/robots.csv", Csv.Replace("2022年,655", "2022年,702", StringComparison.Ordinal));
        var revision = await host.CollectAsync("robots");

        Assert.Equal("succeeded", revision.Outcome);
        Assert.Equal(1, revision.Counts!.Stored);
        Assert.Equal(2, revision.Counts.Unchanged);
        Assert.Equal(4, await CountAsync(host, "SELECT count(*) FROM observation"));
        var vintages = (await host.QueryAsync<(int Vintage, decimal Value)>(
            "SELECT vintage, value FROM observation WHERE indicator_code = 'INDUSTRIAL_ROBOTS_DEPLOYED' AND period = '2022' ORDER BY vintage")).ToList();
        Assert.Equal([(1, 655m), (2, 702m)], vintages);

        var current = await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED");
        var asOf = await host.Http.GetFromJsonAsync<SeriesDto>($"/api/series/INDUSTRIAL_ROBOTS_DEPLOYED?asOf={Uri.EscapeDataString(beforeChange.ToString("O"))}");
        Assert.Equal([310m, 702m], current!.Points.Select(p => p.Value));
        Assert.Equal([310m, 655m], asOf!.Points.Select(p => p.Value));
    }

    [Fact]
    public async Task Collect_BadRows_AreRejectedWithLocation_AndOtherRowsStored()
    {
        config.WriteSource("robots", CsvSource);
        config.WriteFile("exports/robots.csv", """
            指标名称,期别,数值,单位
            推广应用工业机器人,2021年,310,台
            推广应用工业机器人,2022年,六百,台
            软件业务收入,2022年,12,亿元
            推广应用工业机器人,明年,12,台
            数字经济核心产业增加值,2022年,448,个
            推广应用工业机器人,2023年,—,台
            推广应用工业机器人,2020年,…,台
            推广应用工业机器人,2019年,0,台
            """);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);

        var run = await host.CollectAsync("robots");

        Assert.Equal("partial", run.Outcome);
        Assert.Equal(2, run.Counts!.Stored);
        Assert.Equal(4, run.Counts.Rejected);
        Assert.Equal(2, run.Counts.Missing);
        var rejects = (await host.QueryAsync<(string Kind, string Location, string Field, string Reason)>(
            "SELECT kind, location, field, reason FROM reject ORDER BY id")).ToList();
        Assert.Equal(("error", "exports/robots.csv row 3 column '数值'", "value"), (rejects[0].Kind, rejects[0].Location, rejects[0].Field));
        Assert.Contains("'六百' is not a number", rejects[0].Reason, StringComparison.Ordinal);
        Assert.Equal("exports/robots.csv row 4 column '指标名称'", rejects[1].Location);
        Assert.Contains("no indicator code for '软件业务收入'", rejects[1].Reason, StringComparison.Ordinal);
        Assert.Equal(("exports/robots.csv row 5 column '期别'", "period"), (rejects[2].Location, rejects[2].Field));
        Assert.Equal(("exports/robots.csv row 6 column '单位'", "unit"), (rejects[3].Location, rejects[3].Field));
        Assert.Contains("does not match", rejects[3].Reason, StringComparison.Ordinal);
        Assert.Equal(("missing", "exports/robots.csv row 7 column '数值'"), (rejects[4].Kind, rejects[4].Location));
        Assert.Equal(("below-unit", "exports/robots.csv row 8 column '数值'"), (rejects[5].Kind, rejects[5].Location));
        var stored = (await host.QueryAsync<(string Period, decimal Value)>("SELECT period, value FROM observation ORDER BY period")).ToList();
        Assert.Equal([("2019", 0m), ("2021", 310m)], stored);
    }

    [Fact]
    public async Task Collect_UnreadableFile_FailsPermanently_AndWritesNothing()
    {
        config.WriteSource("robots", CsvSource);
        config.WriteFile("exports/robots.csv", "指标名称,期别,数值,单位\n推广应用工业机器人,2021年,310,台\n推广应用工业机器人,2022年,\"655,台\n");
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("robots"));

        Assert.Contains("robots", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(host, "SELECT count(*) FROM observation"));
        Assert.Equal(0, await CountAsync(host, "SELECT count(*) FROM reject"));
        var run = await host.QuerySingleAsync<(string Outcome, string Error)>("SELECT outcome, error FROM run");
        Assert.Equal("failed-permanent", run.Outcome);
        Assert.Contains("exports/robots.csv", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_Gb18030File_ReadsChineseText()
    {
        config.WriteSource("robots", CsvSource);
        config.WriteFile("exports/robots.csv", Csv, Core.Parsing.TextEncodings.Gb18030);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);

        var run = await host.CollectAsync("robots");

        Assert.Equal(3, run.Counts!.Stored);
        Assert.Equal(0, run.Counts.Rejected);
    }

    [Fact]
    public async Task Collect_ConflictingDuplicateKeys_AreRejectedNotLastWriteWins()
    {
        config.WriteSource("robots", CsvSource);
        config.WriteFile("exports/robots.csv", """
            指标名称,期别,数值,单位
            推广应用工业机器人,2021年,310,台
            推广应用工业机器人,2021年,310,台
            推广应用工业机器人,2022年,655,台
            推广应用工业机器人,2022年,700,台
            """);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);

        var run = await host.CollectAsync("robots");

        Assert.Equal(1, run.Counts!.Stored);
        Assert.Equal(2, run.Counts.Rejected);
        var reasons = await host.QueryAsync<string>("SELECT reason FROM reject ORDER BY id");
        Assert.All(reasons, r => Assert.Contains("conflicting duplicate for INDUSTRIAL_ROBOTS_DEPLOYED 320506 2022: 655 at exports/robots.csv row 4", r, StringComparison.Ordinal));
        Assert.Equal(0, await CountAsync(host, "SELECT count(*) FROM observation WHERE period = '2022'"));
    }

    [Fact]
    public async Task Collect_OneKeyRepeatedWithManyValues_EachRejectNamesThreeRowsAndCountsTheRest()
    {
        config.WriteSource("robots", CsvSource);
        config.WriteFile("exports/robots.csv", "指标名称,期别,数值,单位\n" + string.Concat(Enumerable.Range(1, 500).Select(i => $"推广应用工业机器人,2021年,{i},台\n")));
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);

        var run = await host.CollectAsync("robots");

        Assert.Equal((0, 500), (run.Counts!.Stored, run.Counts.Rejected));
        var reasons = await host.QueryAsync<string>("SELECT DISTINCT reason FROM reject");
        Assert.Equal(
            ["conflicting duplicate for INDUSTRIAL_ROBOTS_DEPLOYED 320506 2021: 1 at exports/robots.csv row 2 column '数值' vs 2 at exports/robots.csv row 3 column '数值' vs 3 at exports/robots.csv row 4 column '数值' and 497 more"],
            reasons);
    }

    private static Task<long> CountAsync(CollectorHost host, string sql) => host.ScalarAsync<long>(sql);
}
