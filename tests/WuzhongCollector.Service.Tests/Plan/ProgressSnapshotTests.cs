using System.Globalization;
using System.Text;

namespace WuzhongCollector.Service.Tests.Plan;

/// <summary>
/// analyst.progress is rewritten by each run for the indicators it touched only, and still agrees with the live
/// /api/progress after every commit, however runs of different sources interleave.
/// </summary>
public sealed class ProgressSnapshotTests : IDisposable
{
    private static readonly string[] Indicators = ["DE_CORE_VALUE_ADDED", "INDUSTRIAL_ROBOTS_DEPLOYED", "SOFTWARE_IT_SERVICES_OUTPUT"];
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task ConcurrentRunsOfSourcesSharingIndicators_LeaveTheSnapshotEqualToTheLiveProgress()
    {
        const int sources = 4;
        for (var s = 0; s < sources; s++)
        {
            config.WriteCsvSource($"bureau-{s}", Figures(s, round: 0));
        }

        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        for (var round = 0; round < 3; round++)
        {
            for (var s = 0; s < sources; s++)
            {
                config.WriteFile($"exports/bureau-{s}.csv", Figures(s, round));
            }

            var runs = await Task.WhenAll(Enumerable.Range(0, sources).Select(s => host.CollectAsync($"bureau-{s}")));

            Assert.All(runs, r => Assert.Equal("succeeded", r.Outcome));
            Assert.Equal(await LiveProgressAsync(host), await SnapshotAsync(host));
        }
    }

    [Fact]
    public async Task Run_RewritesOnlyTheIndicatorsItStatedForThePlanArea_AndThoseDerivedFromThem()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        config.WriteSource("villages", """
            name: 村级数据
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: exports/villages.csv }
            mapping: { indicator: 指标, area: 地区, period: 期别, value: 数值 }
            """);
        config.WriteFile("exports/villages.csv", "指标,地区,期别,数值\nINDUSTRIAL_ROBOTS_DEPLOYED,320506001001,2022年,12\n");
        var time = PlanFixture.Time();
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        await host.CollectAsync("bureau");
        var before = await ComputedAtAsync(host);

        time.Advance(TimeSpan.FromHours(1));
        await host.CollectAsync("villages");
        Assert.Equal(before, await ComputedAtAsync(host));

        time.Advance(TimeSpan.FromHours(1));
        config.WriteFile("exports/bureau.csv", PlanFixture.Figures.Replace("448.5", "450", StringComparison.Ordinal));
        await host.CollectAsync("bureau");
        var after = await ComputedAtAsync(host);

        // The whole file was stated again, so each indicator in it is recomputed; the derived growth rate follows its base.
        var rewritten = after.Where(a => a.Value != before[a.Key]).Select(a => a.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["DC_NEW_PUE", "DE_CORE_VALUE_ADDED", "DE_CORE_VALUE_ADDED_GROWTH", "GOV_CLOUD_ADOPTION_RATE", "INDUSTRIAL_ROBOTS_DEPLOYED", "SOFTWARE_IT_SERVICES_OUTPUT"], rewritten);
        Assert.Equal(await LiveProgressAsync(host), await SnapshotAsync(host));
    }

    /// <summary>Each source states every indicator with its own values and status, changing each round.</summary>
    private static string Figures(int source, int round)
    {
        var csv = new StringBuilder(PlanFixture.Header).Append('\n');
        foreach (var code in Indicators)
        {
            for (var year = 2020; year <= 2023; year++)
            {
                var value = 100 + (year - 2020) * (10 + source) + round;
                csv.Append(CultureInfo.InvariantCulture, $"{code},{year}年,{value},{(code == "INDUSTRIAL_ROBOTS_DEPLOYED" ? "台" : "亿元")},{(source % 2 == 0 ? "公报" : "快报")}\n");
            }
        }

        return csv.ToString();
    }

    private static async Task<Dictionary<string, DateTime>> ComputedAtAsync(CollectorHost host) =>
        (await host.QueryAsync<(string Code, DateTime At)>("SELECT indicator_code, max(computed_at) FROM progress_snapshot GROUP BY 1"))
        .ToDictionary(r => r.Code, r => r.At, StringComparer.Ordinal);

    private static async Task<List<string>> SnapshotAsync(CollectorHost host) =>
        (await host.QueryAsync<(string Code, int Year, string Status, decimal? Progress, decimal? Projected, string? Latest)>(
            "SELECT indicator_code, target_year, status, progress, projected_value, latest_period FROM analyst.progress"))
        .Select(r => string.Join('|', r.Code, r.Year, r.Status, r.Progress, r.Projected, r.Latest)).Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> LiveProgressAsync(CollectorHost host) =>
        (await host.ProgressAsync()).Indicators
        .SelectMany(i => i.Targets.Select(t => string.Join('|', i.Code, t.Year, t.Status, t.Progress, t.Projection?.Value, t.LatestPeriod)))
        .Order(StringComparer.Ordinal).ToList();
}
