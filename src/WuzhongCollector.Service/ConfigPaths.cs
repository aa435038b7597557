using Microsoft.Extensions.Options;
using WuzhongCollector.Core.Sources;

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
        Data = new DataRoots(Directory, options.Value.AllowedDataRoots);
        SourceFileTimeout = options.Value.SourceFileTimeout;
    }

    public string Directory { get; }

    /// <summary>The folders source files may read data from; every file and drop-folder path goes through it.</summary>
    public DataRoots Data { get; }

    public TimeSpan SourceFileTimeout { get; }

    public string Catalogue => Path.Combine(Directory, "catalogue.yaml");

    public string Sources => Path.Combine(Directory, "sources");

    /// <summary>A path relative to the config folder, as written (links not resolved, nothing checked): for display and CLI arguments.</summary>
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
