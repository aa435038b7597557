using System.Globalization;
using System.Text;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Benchmarks.Data;

/// <summary>
/// A departmental dump as a bureau would export it: 20 of the plan's indicators, one series per indicator
/// and town-level area, ten years of months (120 points), Chinese names, periods and status words, mapped
/// by a real source definition. Row <c>i</c> is the same key in the CSV and in the write-path rows.
/// </summary>
public sealed class DepartmentData
{
    public const string SourceId = "dept-bench";
    public const int MonthsPerSeries = 120;
    public const int IndicatorCount = 20;
    public const string Header = "指标名称,地区,期别,数值,单位,数据状态";

    private readonly bool[] countsWhole;
    private readonly Period[] periods = Enumerable.Range(0, MonthsPerSeries).Select(m => Period.OfMonth(2014 + (m / 12), (m % 12) + 1)).ToArray();

    public DepartmentData(IndicatorCatalogue catalogue)
    {
        Indicators = catalogue.Indicators.Where(i => i.Kind != IndicatorKind.Derived).Take(IndicatorCount).ToList();
        countsWhole = Indicators.Select(i => Units.DimensionOf(i.Unit) == UnitDimension.Count).ToArray();
    }

    public IReadOnlyList<Indicator> Indicators { get; }

    public static string AreaOf(int series) => "320506" + (series / IndicatorCount).ToString("D4", CultureInfo.InvariantCulture);

    public Indicator IndicatorOf(int series) => Indicators[series % IndicatorCount];

    /// <summary>Values with two decimals, whole ones for an indicator that counts (件, 家, 个 ...); a revision changes every tenth row.</summary>
    public decimal ValueOf(int row, bool revised)
    {
        var value = (row * 7919L % 1_000_000) / 100m;
        return (countsWhole[(row / MonthsPerSeries) % IndicatorCount] ? decimal.Truncate(value) : value) + (revised && row % 10 == 3 ? 1m : 0m);
    }

    public static bool IsProvisional(int row) => row % MonthsPerSeries >= MonthsPerSeries - 12;

    /// <summary>The source file a department would hand an admin for this export.</summary>
    public string SourceYaml(string csvPath)
    {
        var yaml = new StringBuilder()
            .AppendLine("name: 区统计局 镇街月度指标导出 (基准测试)")
            .AppendLine("kind: csv")
            .AppendLine("schedule: { cron: \"0 3 * * *\", timeZone: Asia/Shanghai }")
            .AppendLine(CultureInfo.InvariantCulture, $"file: {{ path: \"{csvPath}\", encoding: utf-8 }}")
            .AppendLine("mapping:")
            .AppendLine("  indicator:")
            .AppendLine("    from: 指标名称")
            .AppendLine("    codes:");
        foreach (var indicator in Indicators)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"      \"{indicator.NameZh}\": {indicator.Code}");
        }

        return yaml
            .AppendLine("  area: 地区")
            .AppendLine("  period: 期别")
            .AppendLine("  value: 数值")
            .AppendLine("  unit: 单位")
            .AppendLine("  status: 数据状态")
            .ToString();
    }

    public async Task WriteCsvAsync(string path, int rows, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteLineAsync(Header);
        var line = new StringBuilder(128);
        for (var row = 0; row < rows; row++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var series = row / MonthsPerSeries;
            var indicator = IndicatorOf(series);
            var period = periods[row % MonthsPerSeries];
            line.Clear()
                .Append(indicator.NameZh).Append(',')
                .Append(AreaOf(series)).Append(',')
                .Append(period.Year).Append('年').Append(period.Index).Append("月,")
                .Append(ValueOf(row, revised: false).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(indicator.Unit).Append(',')
                .Append(IsProvisional(row) ? "快报" : "公报");
            await writer.WriteLineAsync(line, cancellationToken);
        }
    }

    /// <summary>The observations the CSV maps to, generated lazily so the rows never sit in memory.</summary>
    public IEnumerable<(Observation? Observation, Rejection? Rejection)> Observations(int rows, bool revised)
    {
        for (var row = 0; row < rows; row++)
        {
            var series = row / MonthsPerSeries;
            var observation = new Observation(
                IndicatorOf(series).Code,
                AreaOf(series),
                periods[row % MonthsPerSeries],
                ValueOf(row, revised),
                IsProvisional(row) ? ObservationStatus.Provisional : ObservationStatus.Normal,
                string.Create(CultureInfo.InvariantCulture, $"dept-bench.csv row {row + 2} column '数值'"));
            yield return (observation, null);
        }
    }
}
