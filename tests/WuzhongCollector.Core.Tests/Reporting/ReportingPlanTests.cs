using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Freshness;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Progress;
using WuzhongCollector.Core.Reporting;

namespace WuzhongCollector.Core.Tests.Reporting;

public sealed class ReportingPlanTests
{
    private static readonly IndicatorCatalogue Catalogue = CatalogueLoader.Load(Path.Combine(RepoPaths.Config, "catalogue.yaml")).Catalogue!;

    [Fact]
    public void CommittedSettings_GiveEveryCollectedIndicatorWithADepartment_ToItsLeadDepartment()
    {
        var (settings, errors) = ReportingSettingsLoader.Load(Path.Combine(RepoPaths.Config, "reporting.yaml"), Catalogue);
        Assert.Empty(errors);
        var expected = Catalogue.Indicators.Where(i => i.Kind != IndicatorKind.Derived && i.Departments.Count > 0).Select(i => (i.Code, i.Departments[0]));
        Assert.Equal(expected, settings!.Assignments.Select(a => (a.Indicator.Code, a.Department)));
        Assert.Equal(new FreshnessRule(Cadence.Quarterly, 20), settings.Assignments.First(a => a.Department == "区工信局").Rule);
        Assert.Equal(new FreshnessRule(Cadence.Yearly, 60), settings.Assignments.First(a => a.Department == "区市场监管局").Rule);
    }

    [Fact]
    public void Settings_EveryErrorIsReportedWithItsLineAndField()
    {
        var (settings, errors) = ReportingSettingsLoader.Parse("reporting.yaml", """
            defaults: { cadence: weekly, dueDays: 20 }
            departments:
              区不存在局: { cadence: yearly }
              区工信局: { dueDays: -3 }
            indicators:
              NO_SUCH_CODE: { cadence: yearly }
              DE_CORE_VALUE_ADDED_GROWTH: { cadence: yearly }
              DEMO_SMART_WORKSHOPS: { department: 区商务局, colour: red }
            extra: 1
            """, Catalogue);
        Assert.Null(settings);
        Assert.Equal(
        [
            "reporting.yaml:9: extra: unknown field (allowed: defaults, departments, indicators)",
            "reporting.yaml:1: defaults.cadence: 'weekly' must be yearly, quarterly or monthly",
            "reporting.yaml:3: departments.区不存在局: not a responsible department of any indicator in catalogue.yaml",
            "reporting.yaml:4: departments.区工信局.dueDays: '-3' must be a whole number of days from 0 to 366",
            "reporting.yaml:6: indicators.NO_SUCH_CODE: unknown indicator code (see catalogue.yaml)",
            "reporting.yaml:7: indicators.DE_CORE_VALUE_ADDED_GROWTH: a derived indicator is computed, never reported",
            "reporting.yaml:8: indicators.DEMO_SMART_WORKSHOPS.colour: unknown field (allowed: department, cadence, dueDays, reported)",
            "reporting.yaml:8: indicators.DEMO_SMART_WORKSHOPS.department: '区商务局' is not among the indicator's departments in catalogue.yaml (区工信局)",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Plan_ObligationsRunToThePlansEnd_OrToTrackedUntil_AndAnnualFlowsAreReportedYearToDate()
    {
        var robots = Catalogue.Find("INDUSTRIAL_ROBOTS_DEPLOYED")! with { TrackedUntil = 2024 };
        var software = Catalogue.Find("SOFTWARE_IT_SERVICES_OUTPUT")!;
        var settings = new ReportingSettings(
        [
            new ReportingAssignment(robots, "区工信局", new FreshnessRule(Cadence.Quarterly, 20)),
            new ReportingAssignment(software, "区工信局", new FreshnessRule(Cadence.Quarterly, 20)),
        ]);
        var plan = new ReportingPlan(settings, 2021, 2023);

        Assert.Equal(16, plan.Obligations.Count);
        Assert.Equal(["2021-Q1", "2024-Q4"], [plan.Obligations[0].Period.Id, plan.Obligations[^1].Period.Id]);
        Assert.Equal(["INDUSTRIAL_ROBOTS_DEPLOYED"], plan.Obligations[^1].Rows.Select(r => r.Indicator.Code));
        var q3 = plan.Find("区工信局", Period.OfQuarter(2023, 3))!;
        Assert.Equal(new DateOnly(2023, 10, 20), q3.Due);
        Assert.Equal(["INDUSTRIAL_ROBOTS_DEPLOYED 2023-Q3", "SOFTWARE_IT_SERVICES_OUTPUT 2023-01..2023-09"], q3.Rows.Select(r => $"{r.Indicator.Code} {r.Period.Id}"));
        Assert.Equal("2023", plan.Find("区工信局", Period.OfQuarter(2023, 4))!.Row("SOFTWARE_IT_SERVICES_OUTPUT")!.Period.Id);
        Assert.False(ReportingPlan.TryParsePeriod("2023-01..2023-09", out _));
    }

    [Fact]
    public void Completeness_IsJudgedIndicatorByIndicator()
    {
        var rows = new[] { "A", "B" }.Select(c => new ReportRow(Catalogue.Indicators[2] with { Code = c }, Period.OfQuarter(2023, 3))).ToList();
        var obligation = new Obligation("区科技局", Period.OfQuarter(2023, 3), new DateOnly(2023, 10, 20), rows);
        Submission On(int day, params string[] codes) => new("区科技局", "2023-Q3", new DateOnly(2023, 10, day), codes);

        Assert.Equal(DeliveryStatus.Open, Completeness.Judge(obligation, [On(5, "A")], new DateOnly(2023, 10, 20)).Status);
        var missing = Completeness.Judge(obligation, [On(5, "A")], new DateOnly(2023, 10, 21));
        Assert.Equal((DeliveryStatus.Missing, "B"), (missing.Status, missing.Missing.Single().Code));
        Assert.Equal((DeliveryStatus.OnTime, new DateOnly(2023, 10, 20)), Pair(Completeness.Judge(obligation, [On(5, "A"), On(20, "B"), On(25, "A", "B")], new DateOnly(2023, 11, 1))));
        Assert.Equal((DeliveryStatus.Late, new DateOnly(2023, 10, 21)), Pair(Completeness.Judge(obligation, [On(5, "A"), On(21, "B")], new DateOnly(2023, 11, 1))));
        Assert.Equal(DeliveryStatus.Missing, Completeness.Judge(obligation, [new Submission("区工信局", "2023-Q3", new DateOnly(2023, 10, 1), ["A", "B"])], new DateOnly(2023, 11, 1)).Status);
    }

    private static (DeliveryStatus, DateOnly) Pair(ObligationStatus status) => (status.Status, status.CompletedOn!.Value);

    [Fact]
    public void Freshness_ExpectsNoPeriodAfterTheHorizon()
    {
        var rule = new FreshnessRule(Cadence.Yearly, 120);
        var today = new DateOnly(2026, 12, 6);
        Assert.Equal(new DateOnly(2025, 12, 31), FreshnessCheck.ExpectedLatestPeriodEnd(rule, today));
        Assert.Equal(new DateOnly(2023, 12, 31), FreshnessCheck.ExpectedLatestPeriodEnd(rule, today, new DateOnly(2023, 12, 31)));
        Assert.False(FreshnessCheck.Evaluate(rule, new DateOnly(2023, 12, 31), today, new DateOnly(2023, 12, 31)).Stale);
        Assert.Equal(new DateOnly(2023, 9, 30), FreshnessCheck.ExpectedLatestPeriodEnd(new FreshnessRule(Cadence.Quarterly, 45), new DateOnly(2024, 1, 10), new DateOnly(2023, 12, 31)));
    }

    [Fact]
    public void FinalEvaluation_MetNotMetOrNoData_ByTheFigureOfTheTargetYear()
    {
        var target = new Target(Comparator.AtLeast, 100, 2022);
        TargetProgress Judged(ProgressStatus status, Period? period, decimal value = 90) =>
            new(target, status, period is { } p ? new SeriesValue(p, value) : null, 0, null, null, null, null, "");

        Assert.Equal(FinalVerdict.Met, FinalEvaluation.Judge(Judged(ProgressStatus.Met, Period.OfQuarter(2022, 3), 120)).Verdict);
        Assert.Equal(FinalVerdict.NotMet, FinalEvaluation.Judge(Judged(ProgressStatus.OffTrack, Period.OfYear(2022))).Verdict);
        Assert.Equal(FinalVerdict.NoData, FinalEvaluation.Judge(Judged(ProgressStatus.AtRisk, Period.OfQuarter(2022, 3))).Verdict);
        Assert.Equal(FinalVerdict.NoData, FinalEvaluation.Judge(Judged(ProgressStatus.Met, Period.OfYear(2023), 120)).Verdict);
        Assert.Equal(FinalVerdict.NoData, FinalEvaluation.Judge(Judged(ProgressStatus.NoData, null)).Verdict);
    }
}
