namespace WuzhongCollector.Core.Quality;

/// <summary>Why a stored figure needs a second look. Flagged figures are kept and used; analysts follow them up.</summary>
public sealed record QualityFlag(string Rule, string Message, decimal? Score = null)
{
    public const string Range = "range";
    public const string Outlier = "outlier";
}
