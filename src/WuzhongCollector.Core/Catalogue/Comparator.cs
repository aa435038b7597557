namespace WuzhongCollector.Core.Catalogue;

public enum Comparator
{
    AtLeast,
    MoreThan,
    AtMost,
}

public static class ComparatorText
{
    public static string ToSymbol(this Comparator comparator) => comparator switch
    {
        Comparator.AtLeast => ">=",
        Comparator.MoreThan => ">",
        Comparator.AtMost => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(comparator)),
    };

    public static Comparator? Parse(string? symbol) => symbol?.Trim() switch
    {
        ">=" or "≥" => Comparator.AtLeast,
        ">" => Comparator.MoreThan,
        "<=" or "≤" => Comparator.AtMost,
        _ => null,
    };

    public static bool IsMet(this Comparator comparator, decimal value, decimal target) => comparator switch
    {
        Comparator.AtLeast => value >= target,
        Comparator.MoreThan => value > target,
        Comparator.AtMost => value <= target,
        _ => false,
    };
}
