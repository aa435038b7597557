using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service;

/// <summary>Where the admins' files are: the catalogue, the source files and the sample exports.</summary>
public sealed class ConfigPaths
{
    public ConfigPaths(IOptions<CollectorOptions> options, IHostEnvironment environment)
    {
        Directory = options.Value.ConfigDirectory is { } configured
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : Find(environment.ContentRootPath) ?? Find(AppContext.BaseDirectory)
              ?? throw new InvalidOperationException($"No config folder with catalogue.yaml found above {environment.ContentRootPath}; set Collector__ConfigDirectory.");
    }

    public string Directory { get; }

    public string Catalogue => Path.Combine(Directory, "catalogue.yaml");

    public string Sources => Path.Combine(Directory, "sources");

    /// <summary>Paths in source files are relative to the config folder.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, Directory);

    private static string? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "config");
            if (File.Exists(Path.Combine(candidate, "catalogue.yaml")))
            {
                return candidate;
            }
        }

        return null;
    }
}
