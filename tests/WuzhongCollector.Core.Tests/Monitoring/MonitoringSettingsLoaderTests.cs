using WuzhongCollector.Core.Monitoring;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Quality;

namespace WuzhongCollector.Core.Tests.Monitoring;

public sealed class MonitoringSettingsLoaderTests
{
    [Fact]
    public void Load_ShippedFile_IsValidAndMatchesTheDefaults()
    {
        var (settings, errors) = MonitoringSettingsLoader.Load(RepoFiles.Config("monitoring.yaml"), RepoFiles.Catalogue());

        Assert.Empty(errors);
        Assert.NotNull(settings);
        Assert.Equal((2020, 1.0m, 0.9m, 3.5m, 4), (settings.BaseYear, settings.OnTrackFrom, settings.AtRiskFrom, settings.OutlierThreshold, settings.OutlierMinPoints));
        Assert.Equal(new RangeRule(1.0m, 3.0m), settings.RangeFor("DC_NEW_PUE", "ratio"));
        Assert.Equal(new RangeRule(0m, 100m), settings.RangeFor("GOV_CLOUD_ADOPTION_RATE", "%"));
        Assert.Equal(new RangeRule(0m, null), settings.RangeFor("INDUSTRIAL_ROBOTS_DEPLOYED", "台"));
        Assert.Equal(new MonitoringSettings().DimensionRanges, settings.DimensionRanges);
    }

    [Fact]
    public void Load_MissingFile_GivesTheDefaults()
    {
        var (settings, errors) = MonitoringSettingsLoader.Load("/nonexistent/monitoring.yaml", RepoFiles.Catalogue());

        Assert.Empty(errors);
        Assert.Equal(0.9m, settings!.AtRiskFrom);
    }

    [Fact]
    public void Parse_BadValues_ReportsEveryErrorWithItsLine()
    {
        const string yaml = """
            baseYear: 1900
            status:
              onTrackFrom: 0.8
              atRiskFrom: 0.95
              onTrak: 1
            outliers:
              threshold: lots
            ranges:
              dimensions:
                percent: { min: 100, max: 0 }
                colour: { min: 0 }
              indicators:
                NOT_AN_INDICATOR: { max: 3 }
                DC_NEW_PUE: {}
            """;

        var (settings, errors) = MonitoringSettingsLoader.Parse("monitoring.yaml", yaml, RepoFiles.Catalogue());

        Assert.Null(settings);
        Assert.Equal(
        [
            "monitoring.yaml:1: baseYear: must be between 2000 and 2100",
            "monitoring.yaml:5: status.onTrak: unknown field (allowed: onTrackFrom, atRiskFrom)",
            "monitoring.yaml:3: status.atRiskFrom: must not exceed onTrackFrom (0.8)",
            "monitoring.yaml:7: outliers.threshold: 'lots' must be a number",
            "monitoring.yaml:10: ranges.dimensions.percent: min must not exceed max",
            "monitoring.yaml:11: ranges.dimensions.colour: unknown unit dimension (known: percent, count, money, bandwidth, ratio)",
            "monitoring.yaml:13: ranges.indicators.NOT_AN_INDICATOR: unknown indicator code (see config/catalogue.yaml)",
            "monitoring.yaml:14: ranges.indicators.DC_NEW_PUE: set min, max or both",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void RangeFor_IndicatorRangeWinsOverItsUnit()
    {
        var settings = new MonitoringSettings { IndicatorRanges = new Dictionary<string, RangeRule> { ["RATE"] = new(50m, 100m) } };

        Assert.Equal(new RangeRule(50m, 100m), settings.RangeFor("RATE", "%"));
        Assert.Equal(new RangeRule(0m, 100m), settings.RangeFor("OTHER", "%"));
        Assert.Null(settings.RangeFor("OTHER", "ratio"));
        Assert.Equal(UnitDimension.Percent, Units.DimensionOf("%"));
    }
}
