using WuzhongCollector.Core.Catalogue;

namespace WuzhongCollector.Benchmarks.Data;

/// <summary>A config folder of the benchmark's own: the real catalogue and only the sources a scenario writes.</summary>
public sealed class BenchConfig
{
    public BenchConfig(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(Sources);
        File.Copy(Path.Combine(RepoRoot(), "config", "catalogue.yaml"), Path.Combine(Directory, "catalogue.yaml"), overwrite: true);
    }

    public string Directory { get; }

    public string Sources => Path.Combine(Directory, "sources");

    public IndicatorCatalogue LoadCatalogue() =>
        CatalogueLoader.Load(Path.Combine(Directory, "catalogue.yaml")).Catalogue ?? throw new InvalidOperationException("config/catalogue.yaml does not load");

    public void WriteSource(string id, string yaml) => File.WriteAllText(Path.Combine(Sources, id + ".yaml"), yaml);

    /// <summary>The repository root, found from the program's folder (bin/...), wherever it is started from.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WuzhongCollector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no WuzhongCollector.sln above {AppContext.BaseDirectory}");
    }
}
