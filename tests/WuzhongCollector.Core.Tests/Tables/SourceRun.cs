using System.Globalization;
using System.Runtime.CompilerServices;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.Tables;

/// <summary>Loads a source file as the service does (real catalogue) and maps a fixture with it, as a run would.</summary>
internal static class SourceRun
{
    private static readonly Lazy<IndicatorCatalogue> LazyCatalogue = new(() =>
        CatalogueLoader.Load(Path.Combine(RepoRoot(), "config", "catalogue.yaml")).Catalogue!);

    public static IndicatorCatalogue Catalogue => LazyCatalogue.Value;

    public static SourceDefinition Source(string yaml, string id = "test-source")
    {
        var (source, errors) = SourceFileLoader.Parse(id, id + ".yaml", yaml, Catalogue);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        return source!;
    }

    public static IReadOnlyList<ConfigError> Errors(string yaml) => SourceFileLoader.Parse("test-source", "test-source.yaml", yaml, Catalogue).Errors;

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "tables", name);

    public static (List<Obs> Observations, List<Rej> Rejects) Run(SourceDefinition source, string fixture)
    {
        var path = Fixture(fixture);
        var mapper = new RecordMapper(source.Mapping, Catalogue);
        var observations = new List<Obs>();
        var rejects = new List<Rej>();
        foreach (var (observation, rejection) in SourceReader.Read(source, () => File.OpenRead(path), fixture).SelectMany(mapper.MapAll))
        {
            if (observation is not null)
            {
                observations.Add(new Obs(observation.IndicatorCode, observation.Period.Id, observation.Value, observation.Status.ToText(), observation.Location));
            }
            else
            {
                rejects.Add(new Rej(rejection!.KindText, rejection.Field, rejection.Location, rejection.Reason));
            }
        }

        return (observations, rejects);
    }

    public static List<RawRecord> Records(SourceDefinition source, string fixture)
    {
        var path = Fixture(fixture);
        return SourceReader.Read(source, () => File.OpenRead(path), fixture).ToList();
    }

    public static string RepoRoot([CallerFilePath] string here = "")
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

/// <summary>An observation as a test states it: indicator, period id, value in the catalogue unit, status, origin cell.</summary>
internal sealed record Obs(string Indicator, string Period, decimal Value, string Status, string Origin)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Indicator} {Period} {Value} {Status} @ {Origin}");
}

internal sealed record Rej(string Kind, string Field, string Origin, string Reason);
