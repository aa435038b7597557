using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Plan;

/// <summary>CSV sources written by department exports, as the plan tests need them, and the responses they read.</summary>
public static class PlanFixture
{
    public const string Header = "指标,期别,数值,单位,数据状态";

    /// <summary>One figure per status of the rule (see ProgressApiTests), plus the series the derived rate needs.</summary>
    public const string Figures = """
        指标,期别,数值,单位,数据状态
        DE_CORE_VALUE_ADDED,2020年,330.5,亿元,公报
        DE_CORE_VALUE_ADDED,2021年,389.2,亿元,公报
        DE_CORE_VALUE_ADDED,2022年,448.5,亿元,公报
        DE_CORE_VALUE_ADDED,2023年,520,亿元,快报
        SOFTWARE_IT_SERVICES_OUTPUT,2020年,80,亿元,公报
        SOFTWARE_IT_SERVICES_OUTPUT,2022年,110,亿元,公报
        INDUSTRIAL_ROBOTS_DEPLOYED,2021年,310,台,公报
        INDUSTRIAL_ROBOTS_DEPLOYED,2022年,655,台,公报
        INDUSTRIAL_ROBOTS_DEPLOYED,2023年1-9月,905,台,快报
        GOV_CLOUD_ADOPTION_RATE,2023年,100,%,快报
        DC_NEW_PUE,2020年,1.5,,公报
        DC_NEW_PUE,2022年,1.34,,公报
        """;

    public static FakeTimeProvider Time() => new(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero));

    /// <summary>A CSV source reading exports/&lt;id&gt;.csv, indicator codes in the first column.</summary>
    public static void WriteCsvSource(this TestConfig config, string id, string csv, string freshness = "")
    {
        config.WriteSource(id, $$"""
            name: 测试 {{id}}
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: exports/{{id}}.csv }
            mapping:
              indicator: 指标
              period: 期别
              value: 数值
              unit: 单位
              status: 数据状态
            {{freshness}}
            """);
        config.WriteFile($"exports/{id}.csv", csv);
    }

    public static async Task<PlanDto> ProgressAsync(this CollectorHost host, string query = "") =>
        (await host.Http.GetFromJsonAsync<PlanDto>("/api/progress" + query))!;

    public static TargetDto Target(this PlanDto plan, string code, int year = 2023) =>
        plan.Indicators.Single(i => i.Code == code).Targets.Single(t => t.Year == year);
}

public sealed record PlanDto(string Area, DateTimeOffset? AsOf, Dictionary<string, int> StatusCounts, int StaleIndicators, List<IndicatorDto> Indicators);

public sealed record IndicatorDto(
    string Code, string NameZh, string Unit, string Kind, string Section, List<string> Departments, string? DerivedFrom,
    FigureDto? Latest, FreshnessDto Freshness, int FlaggedFigures, List<TargetDto> Targets, List<FigureDto>? Figures);

public sealed record TargetDto(
    int Year, string Comparator, decimal Value, string Status, string StatusZh, string? LatestPeriod, decimal? LatestValue, decimal? Baseline,
    decimal? Progress, ProjectionDto? Projection, decimal? NeededAnnualChange, decimal? NeededAnnualGrowthPercent, string Reason);

public sealed record ProjectionDto(string Method, decimal Value, decimal Progress, List<PathPointDto>? Path);

public sealed record PathPointDto(DateOnly Date, decimal Value);

public sealed record FreshnessDto(bool Declared, bool Stale, DateOnly? LatestPeriodEnd, DateOnly? ExpectedPeriodEnd, DateOnly? DueSince, int OverdueDays, List<string> Sources);

public sealed record FigureDto(string Period, string PeriodType, decimal Value, string Status, string Source, int? Vintage, long? RunId, List<FlagDto> Flags);

public sealed record FlagDto(string Rule, string Message, decimal? Score);
