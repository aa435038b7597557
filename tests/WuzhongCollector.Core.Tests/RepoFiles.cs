using System.Runtime.CompilerServices;
using WuzhongCollector.Core.Catalogue;

namespace WuzhongCollector.Core.Tests;

/// <summary>The repository's own config files, so tests check what ships.</summary>
public static class RepoFiles
{
    public static string Config(string name, [CallerFilePath] string here = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(here)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WuzhongCollector.sln")))
            {
                return Path.Combine(dir.FullName, "config", name);
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    public static IndicatorCatalogue Catalogue() => CatalogueLoader.Load(Config("catalogue.yaml")).Catalogue!;
}
