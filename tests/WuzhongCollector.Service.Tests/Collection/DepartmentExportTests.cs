using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Collection;

/// <summary>Excel and drop-folder sources through the real service and database.</summary>
public sealed class DepartmentExportTests : IDisposable
{
    private readonly TestConfig config = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero));

    private const string MonthlyMapping = """
        layout:
          header: { find: 指标名称, rows: 2 }
          label: 指标名称
          wide: [本年情况/本月, 本年情况/1-本月累计, 上年情况/本月, 上年情况/1-本月累计]
        mapping:
          indicator:
            from: 指标名称
            codes:
              数字经济核心产业增加值: DE_CORE_VALUE_ADDED
              软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT
              电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE
              推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED
          unit: 单位
        """;

    public void Dispose() => config.Dispose();

    private static string Fixture(string name) => Path.Combine(TestConfig.RepoRoot(), "tests", "WuzhongCollector.Core.Tests", "TestData", "tables", name);

    private void Drop(string folder, string name, string fixture)
    {
        var path = Path.Combine(config.Directory, folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Fixture(fixture), path);
    }

    [Fact]
    public async Task Collect_ExcelSource_StoresTheReportAndServesItInTheSeries()
    {
        config.WriteSource("monthly", "name: monthly\nkind: excel\nschedule: { cron: \"0 3 * * *\" }\nfile: { path: exports/report.xls }\n" + MonthlyMapping);
        Drop("exports", "report.xls", "monthly-report-2022-09.xls");
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);

        var run = await host.CollectAsync("monthly");

        Assert.Equal("succeeded", run.Outcome);
        Assert.Equal(new WriteSummary(16, 14, 0, 0, 2), run.Counts);
        var series = await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/DE_CORE_VALUE_ADDED");
        Assert.Equal(
            [("2021-09", 47.1m, "normal"), ("2021-01..2021-09", 401.2m, "normal"), ("2022-09", 52.3m, "estimated"), ("2022-01..2022-09", 448.5m, "provisional")],
            series!.Points.Select(p => (p.Period, p.Value, p.Status)));
        Assert.Equal(
            "exports/report.xls sheet '主要指标' row 5 column C '本年情况/本月'",
            await host.ScalarAsync<string>("SELECT location FROM observation WHERE indicator_code = 'DE_CORE_VALUE_ADDED' AND period = '2022-09'"));
    }

    [Fact]
    public async Task Collect_DropFolder_ProcessesEachFileOnceByContent_AndKeepsFailedOnesApart()
    {
        config.WriteSource("inbox", "name: inbox\nkind: excel\nschedule: { cron: \"0 3 * * *\" }\nfile: { dropFolder: inbox/tjj }\n" + MonthlyMapping);
        Drop("inbox/tjj", "a-2022-09.xlsx", "monthly-report-2022-09.xlsx");
        File.SetLastWriteTimeUtc(Path.Combine(config.Directory, "inbox/tjj/a-2022-09.xlsx"), new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        var inbox = Path.Combine(config.Directory, "inbox", "tjj");

        var first = await host.CollectAsync("inbox");
        // The same content again under another name, then a file that is not a workbook.
        Drop("inbox/tjj", "b-copy.xlsx", "monthly-report-2022-09.xlsx");
        File.SetLastWriteTimeUtc(Path.Combine(inbox, "b-copy.xlsx"), new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        File.WriteAllText(Path.Combine(inbox, "c-broken.xlsx"), "this is not a workbook");
        File.SetLastWriteTimeUtc(Path.Combine(inbox, "c-broken.xlsx"), new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc));
        await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("inbox"));
        var idle = await host.CollectAsync("inbox");

        Assert.Equal(("succeeded", 14), (first.Outcome, first.Counts!.Stored));
        Assert.Equal("unchanged", idle.Outcome);
        Assert.Empty(Directory.GetFiles(inbox));
        Assert.Equal(["a-2022-09.xlsx", "b-copy.xlsx"], Directory.GetFiles(Path.Combine(inbox, "processed")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["c-broken.xlsx", "c-broken.xlsx.error.txt"], Directory.GetFiles(Path.Combine(inbox, "failed")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.StartsWith("inbox/tjj/c-broken.xlsx: not an Excel workbook", await File.ReadAllTextAsync(Path.Combine(inbox, "failed", "c-broken.xlsx.error.txt")), StringComparison.Ordinal);
        Assert.Equal(14, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal(
            [("succeeded", "inbox/tjj/a-2022-09.xlsx"), ("failed-permanent", null), ("unchanged", "inbox/tjj")],
            (await host.QueryAsync<(string, string?)>("SELECT outcome, origin FROM run ORDER BY id")).ToList());
    }

    [Fact]
    public async Task Collect_DropFolderFileLeftBehindAfterItsCommit_IsFiledByHashNotReadAgain()
    {
        config.WriteSource("inbox", "name: inbox\nkind: excel\nschedule: { cron: \"0 3 * * *\" }\nfile: { dropFolder: inbox }\n" + MonthlyMapping);
        Drop("inbox", "report.xlsx", "monthly-report-2022-09.xlsx");
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        await host.CollectAsync("inbox");
        // As if the process died between the commit and the move: the file is back where it was.
        File.Move(Path.Combine(config.Directory, "inbox", "processed", "report.xlsx"), Path.Combine(config.Directory, "inbox", "report.xlsx"));

        var again = await host.CollectAsync("inbox");

        Assert.Equal("unchanged", again.Outcome);
        Assert.Equal(14, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.True(File.Exists(Path.Combine(config.Directory, "inbox", "processed", "report.xlsx")));
        Assert.False(File.Exists(Path.Combine(config.Directory, "inbox", "report.xlsx")));
    }
}
