using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WuzhongCollector.Service.Tests.Plan;

namespace WuzhongCollector.Service.Tests.Reporting;

public sealed class PlanHorizonTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task AfterThePlan_NothingIsExpectedBeyondIt_UnlessTrackedUntil_AndTheFinalEvaluationJudgesEachTargetYear()
    {
        // INDUSTRIAL_ROBOTS_DEPLOYED is followed until 2025; everything else ends with the plan in 2023.
        var catalogue = Path.Combine(config.Directory, "catalogue.yaml");
        File.WriteAllText(catalogue, File.ReadAllText(catalogue).Replace("  - code: INDUSTRIAL_ROBOTS_DEPLOYED\n", "  - code: INDUSTRIAL_ROBOTS_DEPLOYED\n    trackedUntil: 2025\n", StringComparison.Ordinal));
        config.WriteCsvSource("bureau", $"""
            {PlanFixture.Header}
            BASE_STATIONS_5G,2021年,3120,个,公报
            BASE_STATIONS_5G,2022年,3900,个,快报
            SOFTWARE_IT_SERVICES_OUTPUT,2023年,126,亿元,快报
            INDUSTRIAL_ROBOTS_DEPLOYED,2023年,1050,台,公报
            DE_TECH_STANDARDS_NEW,2023年1-9月,1,项,预计
            """, "freshness: { cadence: yearly, publicationLagDays: 120 }");
        await using var host = await CollectorHost.StartAsync(config, timeProvider: new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 2, 0, 0, TimeSpan.Zero)));
        await host.CollectAsync("bureau");

        var plan = await host.ProgressAsync();
        var stale = plan.Indicators.Where(i => i.Freshness.Stale).ToDictionary(i => i.Code, i => i.Freshness.ExpectedPeriodEnd);
        Assert.Equal(new DateOnly(2025, 12, 31), stale["INDUSTRIAL_ROBOTS_DEPLOYED"]);
        Assert.False(plan.Indicators.Single(i => i.Code == "SOFTWARE_IT_SERVICES_OUTPUT").Freshness.Stale);
        // The source feeds the robots too, so it still owes their 2025 figure.
        var freshness = await host.Http.GetFromJsonAsync<JsonElement>("/api/freshness");
        Assert.Equal("2025-12-31", freshness.GetProperty("sources")[0].GetProperty("expectedPeriodEnd").GetString());

        var evaluation = await host.Http.GetFromJsonAsync<JsonElement>("/api/evaluation");
        Assert.True(evaluation.GetProperty("finished").GetBoolean());
        var verdicts = evaluation.GetProperty("targets").EnumerateArray().ToDictionary(
            t => (t.GetProperty("code").GetString()!, t.GetProperty("year").GetInt32()),
            t => (t.GetProperty("verdict").GetString(), t.GetProperty("figure").ValueKind == JsonValueKind.Null ? null : $"{t.GetProperty("figure").GetProperty("period")} {t.GetProperty("figure").GetProperty("value")} {t.GetProperty("figure").GetProperty("statusZh")}"));
        Assert.Equal(("met", "2021 3120 公报"), verdicts[("BASE_STATIONS_5G", 2021)]);
        Assert.Equal(("not-met", "2022 3900 快报"), verdicts[("BASE_STATIONS_5G", 2022)]);
        Assert.Equal(("met", "2023 126 快报"), verdicts[("SOFTWARE_IT_SERVICES_OUTPUT", 2023)]);
        Assert.Equal(("no-data", "2023-01..2023-09 1 预计"), verdicts[("DE_TECH_STANDARDS_NEW", 2023)]);
        Assert.Equal(("no-data", null), verdicts[("DE_PCT_APPLICATIONS", 2023)]);
    }
}
