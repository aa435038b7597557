namespace WuzhongCollector.Core.Normalisation;

/// <summary>A figure ready to store: canonical indicator, area and period, value in the indicator's unit.</summary>
public sealed record Observation(
    string IndicatorCode,
    string AreaCode,
    Period Period,
    decimal Value,
    ObservationStatus Status,
    string Location)
{
    public (string, string, string) Key => (IndicatorCode, AreaCode, Period.Id);
}
