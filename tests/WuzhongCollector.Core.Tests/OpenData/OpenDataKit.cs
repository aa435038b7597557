using System.Runtime.CompilerServices;
using System.Text.Json;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.OpenData;

public sealed record Stored(string Indicator, string Area, string Period, decimal Value, string Status);

/// <summary>Fixture answers, the real catalogue, and the one mapping path a run takes, without the database.</summary>
internal static class OpenDataKit
{
    private static readonly Lazy<IndicatorCatalogue> LazyCatalogue = new(() =>
        CatalogueLoader.Load(Path.Combine(RepoRoot(), "config", "catalogue.yaml")).Catalogue!);

    public static IndicatorCatalogue Catalogue => LazyCatalogue.Value;

    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "OpenData", name));

    public static JsonDocument Json(string name) => JsonDocument.Parse(Fixture(name));

    public static SourceDefinition Source(string yaml, Func<string, string?>? environment = null)
    {
        var (source, errors) = SourceFileLoader.Parse("test-source", "test-source.yaml", yaml, Catalogue, environment: environment ?? (_ => null));
        Assert.Empty(errors);
        return source!;
    }

    public static IReadOnlyList<ConfigError> Errors(string yaml, Func<string, string?>? environment = null) =>
        SourceFileLoader.Parse("test-source", "test-source.yaml", yaml, Catalogue, environment: environment ?? (_ => null)).Errors;

    /// <summary>Reads the fixture pages as a run would (archived together when several) and maps every record.</summary>
    public static (List<Stored> Stored, List<Rejection> Rejected) Collect(SourceDefinition source, params string[] pages) =>
        Collect(source, pages.Select(Fixture).ToArray());

    public static (List<Stored> Stored, List<Rejection> Rejected) Collect(SourceDefinition source, params byte[][] pages)
    {
        var payload = PagedPayload.Pack(pages.Select(p => new PageBody(200, p)).ToList());
        using var document = JsonDocument.Parse(payload);
        var records = OpenDataReader.ReadPages(source.Kind, source.Http!, PagedPayload.Unpack(document.RootElement), "https://example.test/api").ToList();
        var mapper = new RecordMapper(source.Mapping, Catalogue);
        var stored = new List<Stored>();
        var rejected = new List<Rejection>();
        foreach (var (observation, rejection) in records.SelectMany(mapper.MapAll))
        {
            if (observation is not null)
            {
                stored.Add(new Stored(observation.IndicatorCode, observation.AreaCode, observation.Period.Id, observation.Value, observation.Status.ToText()));
            }
            else
            {
                rejected.Add(rejection!);
            }
        }

        return (stored, rejected);
    }

    private static string RepoRoot([CallerFilePath] string here = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(here)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WuzhongCollector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
