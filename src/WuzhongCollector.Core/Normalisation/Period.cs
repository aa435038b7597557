using System.Globalization;

namespace WuzhongCollector.Core.Normalisation;

public enum PeriodType
{
    Year,
    Quarter,
    Month,
    /// <summary>Cumulative from January (累计, 1-9月). Never differenced into months.</summary>
    YearToDate,
}

/// <summary>
/// A canonical period: <c>2023</c>, <c>2023-Q1</c>, <c>2023-09</c> or <c>2023-01..2023-09</c> (year to date).
/// </summary>
public readonly record struct Period(PeriodType Type, int Year, int Index)
{
    public string Id => Type switch
    {
        PeriodType.Year => Year.ToString(CultureInfo.InvariantCulture),
        PeriodType.Quarter => $"{Year}-Q{Index}",
        PeriodType.Month => $"{Year}-{Index:00}",
        PeriodType.YearToDate => $"{Year}-01..{Year}-{Index:00}",
        _ => throw new InvalidOperationException(),
    };

    public string TypeName => NameOf(Type);

    /// <summary>The word for a period type, as the API, the database and source files write it.</summary>
    public static string NameOf(PeriodType type) => type switch
    {
        PeriodType.Year => "year",
        PeriodType.Quarter => "quarter",
        PeriodType.Month => "month",
        _ => "ytd",
    };

    public static PeriodType? ParseType(string? name) =>
        Enum.GetValues<PeriodType>().Cast<PeriodType?>().FirstOrDefault(t => NameOf(t!.Value) == name);

    /// <summary>The first day the period covers (1 January for a year-to-date figure).</summary>
    public DateOnly Start => Type switch
    {
        PeriodType.Quarter => new DateOnly(Year, (Index * 3) - 2, 1),
        PeriodType.Month => new DateOnly(Year, Index, 1),
        _ => new DateOnly(Year, 1, 1),
    };

    /// <summary>The last day the period covers, used for ordering and freshness.</summary>
    public DateOnly End => Type switch
    {
        PeriodType.Year => new DateOnly(Year, 12, 31),
        PeriodType.Quarter => new DateOnly(Year, Index * 3, 1).AddMonths(1).AddDays(-1),
        _ => new DateOnly(Year, Index, 1).AddMonths(1).AddDays(-1),
    };

    public static Period OfYear(int year) => new(PeriodType.Year, year, 0);

    public static Period OfMonth(int year, int month) => new(PeriodType.Month, year, month);

    public static Period OfQuarter(int year, int quarter) => new(PeriodType.Quarter, year, quarter);

    public static Period YearToDate(int year, int throughMonth) => new(PeriodType.YearToDate, year, throughMonth);

    public override string ToString() => Id;
}
