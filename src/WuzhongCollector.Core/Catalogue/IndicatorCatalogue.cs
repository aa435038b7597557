namespace WuzhongCollector.Core.Catalogue;

/// <summary>The plan's indicators, validated, looked up by code.</summary>
public sealed class IndicatorCatalogue
{
    private readonly Dictionary<string, Indicator> byCode;

    public IndicatorCatalogue(IReadOnlyList<Indicator> indicators)
    {
        Indicators = indicators;
        byCode = indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
    }

    public IReadOnlyList<Indicator> Indicators { get; }

    public Indicator? Find(string code) => byCode.GetValueOrDefault(code);

    public bool Contains(string code) => byCode.ContainsKey(code);
}
