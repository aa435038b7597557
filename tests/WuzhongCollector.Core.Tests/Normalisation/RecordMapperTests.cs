using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.Normalisation;

public sealed class RecordMapperTests
{
    private static readonly IndicatorCatalogue Catalogue = CatalogueLoader.Load(Path.Combine(RepoPaths.Config, "catalogue.yaml")).Catalogue!;

    private static readonly RecordMapping Mapping = new(
        Indicator: new FieldMap("指标", null, new Dictionary<string, string> { ["星级上云企业"] = "STAR_CLOUD_ENTERPRISES", ["政务云上云率"] = "GOV_CLOUD_ADOPTION_RATE" }),
        Area: FieldMap.Constant("320506"),
        Period: new FieldMap("期别", null),
        Value: new FieldMap("数值", null),
        Unit: new FieldMap("单位", null),
        Status: new FieldMap("状态", null));

    private static RawRecord Row(string indicator, string period, string value, string unit = "", string status = "") => new(
        "e.csv", "row 2",
        new Dictionary<string, string?> { ["指标"] = indicator, ["期别"] = period, ["数值"] = value, ["单位"] = unit, ["状态"] = status },
        IsTable: true);

    [Fact]
    public void Map_LabelWithOrdinalPrefix_FindsItsCode()
    {
        var (observation, rejection) = new RecordMapper(Mapping, Catalogue).Map(Row("一、 星级上云企业", "2022年", "1.88", "万家", "快报"));

        Assert.Null(rejection);
        Assert.Equal(new Observation("STAR_CLOUD_ENTERPRISES", "320506", Period.OfYear(2022), 18800m, ObservationStatus.Provisional, "e.csv row 2 column '数值'"), observation);
    }

    [Fact]
    public void Map_PercentSign_FitsAPercentIndicator()
    {
        var (observation, _) = new RecordMapper(Mapping, Catalogue).Map(Row("政务云上云率", "2023年", "94%"));

        Assert.Equal(94m, observation!.Value);
    }

    [Fact]
    public void Map_FractionWhereConfigured_IsScaledToPercent()
    {
        var mapping = Mapping with { Unit = null, PercentAsFraction = true };

        var (observation, _) = new RecordMapper(mapping, Catalogue).Map(Row("政务云上云率", "2023年", "0.94"));

        Assert.Equal(94m, observation!.Value);
    }

    [Fact]
    public void Map_FractionOfACount_IsRejectedNamingTheValue_AndAWholeCountInTenThousandsIsKept()
    {
        var mapper = new RecordMapper(Mapping, Catalogue);

        var (fraction, rejection) = mapper.Map(Row("星级上云企业", "2022年", "1880.5", "家"));
        var (scaled, _) = mapper.Map(Row("星级上云企业", "2022年", "1.8805", "万家"));
        var (zeroFraction, _) = mapper.Map(Row("星级上云企业", "2021年", "1880.0", "家"));
        var (rate, _) = mapper.Map(Row("政务云上云率", "2023年", "94.5%"));

        Assert.Null(fraction);
        Assert.Equal(("value", "1880.5", "e.csv row 2 column '数值'"), (rejection!.Field, rejection.RawValue, rejection.Location));
        Assert.Equal("STAR_CLOUD_ENTERPRISES 2022: 1880.5 家 is not a whole number, and STAR_CLOUD_ENTERPRISES counts whole 家", rejection.Reason);
        Assert.Equal(18805m, scaled!.Value);
        Assert.Equal(1880m, zeroFraction!.Value);
        Assert.Equal(94.5m, rate!.Value);
    }

    [Fact]
    public void Map_MissingMarker_IsAMissingRejectNotZero()
    {
        var (observation, rejection) = new RecordMapper(Mapping, Catalogue).Map(Row("星级上云企业", "2023年", "—"));

        Assert.Null(observation);
        Assert.Equal(RejectKind.Missing, rejection!.Kind);
        Assert.Equal("STAR_CLOUD_ENTERPRISES 2023: missing-data marker '—'", rejection.Reason);
    }

    [Fact]
    public void Map_UnitOfAnotherDimension_IsRejectedNotConverted()
    {
        var (observation, rejection) = new RecordMapper(Mapping, Catalogue).Map(Row("星级上云企业", "2023年", "12", "亿元"));

        Assert.Null(observation);
        Assert.Equal(("unit", "e.csv row 2 column '单位'"), (rejection!.Field, rejection.Location));
        Assert.Equal("STAR_CLOUD_ENTERPRISES: unit '亿元' (Money) does not match the indicator's unit '家' (Count)", rejection.Reason);
    }

    [Fact]
    public void Map_BlankUnitFieldAndNothingElseStatesTheUnit_IsRejectedNamingTheField_NotStoredInTheCataloguesUnit()
    {
        var mapping = Mapping with { Indicator = Mapping.Indicator! with { Codes = new Dictionary<string, string> { ["核心产业增加值"] = "DE_CORE_VALUE_ADDED" } } };

        var (observation, rejection) = new RecordMapper(mapping, Catalogue).Map(Row("核心产业增加值", "2023年", "5860000"));

        Assert.Null(observation);
        Assert.Equal(("unit", "e.csv row 2 column '单位'", RejectKind.Error), (rejection!.Field, rejection.Location, rejection.Kind));
        Assert.Equal(
            "DE_CORE_VALUE_ADDED 2023: field '单位' is blank and nothing else states the unit of '5860000' (no unit in the mapping, the column header or a 单位 row); it is not taken to be the catalogue's '亿元'",
            rejection.Reason);
    }

    [Fact]
    public void Map_BlankUnitField_TakesADeclaredUnitOrAPercentSign_AndAMappingWithoutAUnitFieldKeepsTheCataloguesUnit()
    {
        var codes = new Dictionary<string, string> { ["核心产业增加值"] = "DE_CORE_VALUE_ADDED", ["政务云上云率"] = "GOV_CLOUD_ADOPTION_RATE" };
        var mapping = Mapping with { Indicator = Mapping.Indicator! with { Codes = codes } };
        var declared = mapping with { Indicators = new Dictionary<string, ValueSettings> { ["DE_CORE_VALUE_ADDED"] = new(Unit: "万元") } };

        Assert.Equal(586m, new RecordMapper(declared, Catalogue).Map(Row("核心产业增加值", "2023年", "5860000")).Observation!.Value);
        Assert.Equal(94m, new RecordMapper(mapping, Catalogue).Map(Row("政务云上云率", "2023年", "94%")).Observation!.Value);
        Assert.Equal(586m, new RecordMapper(mapping with { Unit = null }, Catalogue).Map(Row("核心产业增加值", "2023年", "586")).Observation!.Value);
    }

    [Fact]
    public void Map_UnknownStatus_IsRejected()
    {
        var (_, rejection) = new RecordMapper(Mapping, Catalogue).Map(Row("星级上云企业", "2023年", "12", "", "大概"));

        Assert.Equal("status", rejection!.Field);
    }

    [Fact]
    public void DuplicateKeys_IdenticalCollapse_ConflictsAreAllRejected()
    {
        var a = new Observation("X", "1", Period.OfYear(2021), 1m, ObservationStatus.Normal, "row 2");
        var b = a with { Location = "row 3" };
        var c = a with { Period = Period.OfYear(2022), Location = "row 4" };
        var d = c with { Value = 2m, Location = "row 5" };

        var (unique, conflicts) = DuplicateKeys.Resolve([a, b, c, d]);

        Assert.Equal([a], unique);
        Assert.Equal(["row 4", "row 5"], conflicts.Select(r => r.Location));
        Assert.Equal("conflicting duplicate for X 1 2022: 1 at row 4 vs 2 at row 5", conflicts[0].Reason);
        Assert.Equal(("X", "1", "2022"), (conflicts[0].IndicatorCode, conflicts[0].AreaCode, conflicts[0].Period?.Id));
    }

    [Fact]
    public void DuplicateKeys_OneKeyRepeatedManyTimes_EachReasonNamesThreeValuesAndCountsTheRest()
    {
        var first = new Observation("X", "1", Period.OfYear(2021), 0m, ObservationStatus.Normal, "row 2");

        var (unique, conflicts) = DuplicateKeys.Resolve(Enumerable.Range(0, 1_000).Select(i => first with { Value = i, Location = $"row {i + 2}" }));

        Assert.Empty(unique);
        Assert.Equal(1_000, conflicts.Count);
        Assert.All(conflicts, c => Assert.Equal("conflicting duplicate for X 1 2021: 0 at row 2 vs 1 at row 3 vs 2 at row 4 and 997 more", c.Reason));
    }
}
