using System.Globalization;
using System.Text;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Benchmarks.Data;

/// <summary>
/// The long department export of issue 13: columns 统计月份, 地区 (12-digit village-level codes), 指标, 单位,
/// 数值; 8 of the plan's indicators; UTF-8 with a BOM; one block per month, as a monthly export grows.
/// Every key (indicator, area, month) appears once.
/// </summary>
public sealed class MonthlyExport
{
    public const string SourceId = "monthly-export";
    public const int IndicatorCount = 8;
    public const int Months = 60;
    public const string Header = "统计月份,地区,指标,单位,数值";

    private readonly bool[] countsWhole;

    public MonthlyExport(IndicatorCatalogue catalogue)
    {
        Indicators = catalogue.Indicators.Where(i => i.Kind != IndicatorKind.Derived).Take(IndicatorCount).ToList();
        countsWhole = Indicators.Select(i => Units.DimensionOf(i.Unit) == UnitDimension.Count).ToArray();
    }

    public IReadOnlyList<Indicator> Indicators { get; }

    /// <summary>Areas per month so that <paramref name="rows"/> rows fill <see cref="Months"/> months.</summary>
    public static int AreasFor(int rows) => (int)Math.Ceiling(rows / (double)(IndicatorCount * Months));

    /// <summary>320506 (吴中区), then a 3-digit town and a 3-digit village.</summary>
    public static string AreaCode(int area) => string.Create(CultureInfo.InvariantCulture, $"320506{100 + (area / 100):D3}{area % 100:D3}");

    public string SourceYaml(string csvPath)
    {
        var yaml = new StringBuilder()
            .AppendLine("name: 区统计局 村级月度指标长表 (基准测试)")
            .AppendLine("kind: csv")
            .AppendLine("schedule: { cron: \"0 3 * * *\", timeZone: Asia/Shanghai }")
            .AppendLine(CultureInfo.InvariantCulture, $"file: {{ path: \"{csvPath}\" }}")
            .AppendLine("mapping:")
            .AppendLine("  indicator:")
            .AppendLine("    from: 指标")
            .AppendLine("    codes:");
        foreach (var indicator in Indicators)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"      \"{indicator.NameZh}\": {indicator.Code}");
        }

        return yaml
            .AppendLine("  area: 地区")
            .AppendLine("  period: 统计月份")
            .AppendLine("  value: 数值")
            .AppendLine("  unit: 单位")
            .ToString();
    }

    /// <summary>A revision changes the value of every tenth area (its code ends in 3): a tenth of the rows.</summary>
    public static bool IsRevised(int area) => area % 10 == 3;

    public async Task WriteCsvAsync(string path, int rows, CancellationToken cancellationToken, bool revised = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16);
        await writer.WriteLineAsync(Header);
        var areas = AreasFor(rows);
        var line = new StringBuilder(128);
        var row = 0;
        for (var month = 0; month < Months && row < rows; month++)
        {
            var label = string.Create(CultureInfo.InvariantCulture, $"{2019 + (month / 12)}年{(month % 12) + 1:D2}月");
            for (var area = 0; area < areas && row < rows; area++)
            {
                var code = AreaCode(area);
                for (var i = 0; i < IndicatorCount && row < rows; i++, row++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var indicator = Indicators[i];
                    // Two decimals, whole for an indicator that counts (件, 家, 个 ...).
                    var value = (row * 7919L % 1_000_000) / 100m;
                    line.Clear()
                        .Append(label).Append(',')
                        .Append(code).Append(',')
                        .Append(indicator.NameZh).Append(',')
                        .Append(indicator.Unit).Append(',')
                        .Append(((countsWhole[i] ? decimal.Truncate(value) : value) + (revised && IsRevised(area) ? 1 : 0)).ToString(CultureInfo.InvariantCulture));
                    await writer.WriteLineAsync(line, cancellationToken);
                }
            }
        }
    }
}
