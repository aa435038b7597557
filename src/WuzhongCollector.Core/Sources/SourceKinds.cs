namespace WuzhongCollector.Core.Sources;

/// <summary>The <c>kind:</c> words of source files, and which kinds are fetched over HTTP.</summary>
public static class SourceKinds
{
    private static readonly Dictionary<SourceKind, string> Texts = new()
    {
        [SourceKind.Csv] = "csv",
        [SourceKind.Excel] = "excel",
        [SourceKind.HttpJson] = "http-json",
        [SourceKind.Nbs] = "nbs",
        [SourceKind.NbsEasyQuery] = "nbs-easyquery",
        [SourceKind.Ckan] = "ckan",
        [SourceKind.SdmxJson] = "sdmx-json",
        [SourceKind.JsonStat] = "json-stat",
        [SourceKind.Soda] = "soda",
    };

    public static IReadOnlyCollection<string> All => Texts.Values;

    public static IEnumerable<SourceKind> Http => Texts.Keys.Where(IsHttp);

    public static string Text(SourceKind kind) => Texts[kind];

    public static SourceKind? Parse(string? text) =>
        Texts.FirstOrDefault(p => p.Value == text) is { Value: not null } match ? match.Key : null;

    public static bool IsHttp(SourceKind kind) => kind is not (SourceKind.Csv or SourceKind.Excel);
}
