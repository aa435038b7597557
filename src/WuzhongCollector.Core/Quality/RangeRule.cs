namespace WuzhongCollector.Core.Quality;

/// <summary>Plausible values of an indicator; either bound may be open.</summary>
public sealed record RangeRule(decimal? Min, decimal? Max);
