using static WuzhongCollector.Core.Tests.Tables.SourceRun;

namespace WuzhongCollector.Core.Tests.Tables;

public sealed class LayoutConfigTests
{
    [Fact]
    public void Parse_LayoutMistakes_AreReportedWithFileLineAndField()
    {
        var errors = Errors("""
            name: bad layout
            kind: excel
            schedule: { cron: "0 2 * * *" }
            file:
              path: x.xlsx
              delimiter: ";"
            layout:
              header: { row: 3, find: 指标名称 }
              wide: everything
              labels: 指标名称
            mapping:
              indicator: { const: DE_CORE_VALUE_ADDED }
            """).Select(e => e.ToString()).ToList();

        Assert.Equal(
            [
                "test-source.yaml:6: file.delimiter: applies to csv sources only",
                "test-source.yaml:10: layout.labels: unknown field (allowed: header, label, wide)",
                "test-source.yaml:8: layout.header: set exactly one of 'row' (a row number) or 'find' (a header text)",
                "test-source.yaml:9: layout.wide: must be 'periods' (every column whose header is a period) or a list of column names",
                "test-source.yaml:12: mapping.value: is required",
            ],
            errors);
    }

    [Fact]
    public void Parse_UnpivotedFieldsInALongTable_AreAConfigError()
    {
        var errors = Errors("""
            name: long
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: x.csv }
            layout: { header: 1 }
            mapping:
              indicator: { const: DE_CORE_VALUE_ADDED }
              value: $value
            """);

        Assert.Equal("test-source.yaml:8: mapping.value: '$value' is the cell of an unpivoted column: it needs layout.wide", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Parse_TableWithoutLayoutBlock_StillNeedsAPeriod()
    {
        var errors = Errors("""
            name: plain
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: x.csv }
            mapping:
              indicator: { const: DE_CORE_VALUE_ADDED }
              value: 数值
            """);

        Assert.Equal("test-source.yaml:6: mapping.period: is required", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Read_WideColumnTheHeaderLacks_FailsListingTheColumns()
    {
        var source = Source("""
            name: wide
            kind: excel
            schedule: { cron: "0 2 * * *" }
            file: { path: x.xlsx }
            layout: { header: 2, wide: [2019年] }
            mapping:
              indicator: { const: DE_CORE_VALUE_ADDED }
            """);

        var error = Assert.Throws<InvalidDataException>(() => Records(source, "wide-years.xlsx"));

        Assert.Equal("wide-years.xlsx sheet '历年': layout.wide names column '2019年', which the header does not have (columns: 指标名称, 计量单位, 2020年, 2021年, 2022年, 2023年)", error.Message);
    }

    [Fact]
    public void Read_HeaderKeywordNotFound_FailsNamingTheKeyword()
    {
        var source = Source("""
            name: find
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: x.csv }
            layout: { header: { find: 项目 } }
            mapping:
              indicator: { const: DE_CORE_VALUE_ADDED }
              value: 数值
            """);

        var error = Assert.Throws<InvalidDataException>(() => Records(source, "header-unit.csv"));

        Assert.Equal("header-unit.csv: no header row: no cell reads '项目' (layout.header.find)", error.Message);
    }
}
