namespace WuzhongCollector.Core.Catalogue;

public enum IndicatorKind
{
    /// <summary>An amount for one year (增加值, 收入).</summary>
    AnnualFlow,
    /// <summary>A level at a date (拥有量, 机架数).</summary>
    Stock,
    /// <summary>A count accumulated since the plan started in 2021 (累计).</summary>
    Cumulative,
    /// <summary>A rate or share in per cent.</summary>
    Percentage,
    /// <summary>Computed from another indicator's series, never collected.</summary>
    Derived,
}
