using System.Globalization;
using System.Text;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>
/// A department export big enough that importing it takes seconds: indicators × areas × months, one value
/// each, every key distinct; whole values for the indicators that count things (件, 家, 个 ...), tenths for the
/// money ones, so both paths are imported. <see cref="Sum"/> and <see cref="Rows"/> are what the database must hold afterwards.
/// </summary>
public sealed record LargeCsv(string RelativePath, int Rows, decimal Sum)
{
    public static readonly string[] Indicators =
    [
        "DE_CORE_VALUE_ADDED", "DE_VALID_INVENTION_PATENTS", "DE_PCT_APPLICATIONS", "DE_TECH_STANDARDS_NEW", "DE_HIGH_TECH_ENTERPRISES",
        "BASE_STATIONS_5G", "DC_RACKS_NEW", "INDUSTRIAL_ROBOTS_DEPLOYED", "ONLINE_RETAIL_SALES", "SOFTWARE_IT_SERVICES_OUTPUT",
    ];

    public static LargeCsv Write(TestConfig config, string relativePath, int areas, int months = 12, int revision = 0)
    {
        var text = new StringBuilder("指标,地区,期别,数值\n");
        var rows = 0;
        var sum = 0m;
        foreach (var indicator in Indicators)
        {
            var whole = RepoCatalogue.CountsWhole(indicator);
            for (var area = 0; area < areas; area++)
            {
                for (var month = 0; month < months; month++)
                {
                    var value = Value(rows, revision, whole);
                    sum += value;
                    text.Append(indicator).Append(",A").Append(area.ToString("D5", CultureInfo.InvariantCulture)).Append(',')
                        .Append(2021 + (month / 12)).Append('年').Append((month % 12) + 1).Append("月,")
                        .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    rows++;
                }
            }
        }

        config.WriteFile(relativePath, text.ToString());
        return new LargeCsv(relativePath, rows, sum);
    }

    private static decimal Value(int row, int revision, bool whole) => ((row * 37) % 100_000 / (whole ? 1m : 10m)) + revision;

    public string SourceYaml(string cron = "0 2 1 1 *") => $$"""
        name: 大文件导出 (test)
        kind: csv
        schedule: { cron: "{{cron}}" }
        file: { path: {{RelativePath}}, encoding: utf-8 }
        mapping:
          indicator: 指标
          area: 地区
          period: 期别
          value: 数值
        """;
}
