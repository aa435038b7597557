using System.Collections.Concurrent;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Sources;

/// <summary>
/// The validated catalogue and the source definitions the service runs with. The catalogue is read once;
/// the source files are re-read on every <see cref="Reload"/>. A file with errors keeps its last valid
/// version in service (if it had one), so an admin's bad edit never stops a working source.
/// </summary>
public sealed class SourceRegistry
{
    /// <summary>
    /// Files whose read did not finish in time (a named pipe blocks until someone writes to it; a network share can
    /// hang), with the size and time they had then: they are reported and not read again until they change, so one
    /// such file costs one timeout, not one per reload.
    /// </summary>
    private static readonly ConcurrentDictionary<string, string> StuckFiles = new(StringComparer.Ordinal);

    private readonly Lock gate = new();
    private readonly string sourcesFolder;
    private readonly Func<SourceChecks?> checks;
    private readonly TimeSpan fileTimeout;
    private readonly Func<string, string?> environment;
    private volatile Snapshot current = new(new Dictionary<string, SourceDefinition>(StringComparer.Ordinal), [], []);

    /// <param name="catalogue">The indicator catalogue the sources map to.</param>
    /// <param name="sourcesFolder">config/sources.</param>
    /// <param name="checks">What every file is checked against, asked anew on each reload (the service's ports are known once it listens).</param>
    /// <param name="fileTimeout">How long reading and checking one file may take.</param>
    /// <param name="environment">Where secrets are looked up; the process environment when null.</param>
    public SourceRegistry(IndicatorCatalogue catalogue, string sourcesFolder, Func<SourceChecks?> checks, TimeSpan fileTimeout, Func<string, string?>? environment = null)
    {
        Catalogue = catalogue;
        this.sourcesFolder = sourcesFolder;
        this.checks = checks;
        this.fileTimeout = fileTimeout;
        this.environment = environment ?? Environment.GetEnvironmentVariable;
    }

    public IndicatorCatalogue Catalogue { get; }

    public IReadOnlyDictionary<string, SourceDefinition> Sources => current.Sources;

    /// <summary>Errors in the source files as last read, each with file, line and field.</summary>
    public IReadOnlyList<ConfigError> Errors => current.Errors;

    /// <summary>Sources whose file has errors but whose last valid version is still in service.</summary>
    public IReadOnlyCollection<string> KeptPrevious => current.KeptPrevious;

    public SourceDefinition? Find(string id) => current.Sources.GetValueOrDefault(id);

    /// <summary>Reads the catalogue (any error stops start-up: everything depends on it) and every source file.</summary>
    public static SourceRegistry Load(ConfigPaths paths, Func<IReadOnlyCollection<int>> servicePorts, Func<string, string?>? environment = null)
    {
        var (catalogue, errors) = CatalogueLoader.Load(paths.Catalogue);
        if (catalogue is null)
        {
            throw new ConfigurationException(errors);
        }

        var registry = new SourceRegistry(catalogue, paths.Sources, () => new SourceChecks(paths.Data, servicePorts()), paths.SourceFileTimeout, environment);
        registry.Reload();
        return registry;
    }

    /// <summary>Re-reads every source file and swaps the definitions in one step.</summary>
    public SourceChanges Reload()
    {
        lock (gate)
        {
            var (loaded, errors) = LoadSources(sourcesFolder, Catalogue, checks(), fileTimeout, environment);
            var previous = current.Sources;
            var next = new Dictionary<string, SourceDefinition>(loaded, StringComparer.Ordinal);
            var kept = new List<string>();
            foreach (var id in errors.Select(e => SourceIdOf(e.File)).Distinct(StringComparer.Ordinal))
            {
                if (!next.ContainsKey(id) && previous.TryGetValue(id, out var valid))
                {
                    next[id] = valid;
                    kept.Add(id);
                }
            }

            current = new Snapshot(next, errors, kept);
            return new SourceChanges(
                next.Keys.Where(id => !previous.ContainsKey(id)).Order(StringComparer.Ordinal).ToList(),
                next.Where(s => previous.TryGetValue(s.Key, out var old) && old.ConfigHash != s.Value.ConfigHash).Select(s => s.Key).Order(StringComparer.Ordinal).ToList(),
                previous.Keys.Where(id => !next.ContainsKey(id)).Order(StringComparer.Ordinal).ToList(),
                kept,
                errors);
        }
    }

    public static string SourceIdOf(string file) => Path.GetFileNameWithoutExtension(file);

    /// <summary>
    /// Loads every *.yaml/*.yml file; a referenced secret whose variable is unset is an error of its file, as is a
    /// named pipe or other special file (never opened: see <see cref="FileKind"/>) and a file that cannot be read and
    /// checked within <paramref name="fileTimeout"/>.
    /// </summary>
    public static (Dictionary<string, SourceDefinition> Sources, List<ConfigError> Errors) LoadSources(
        string folder, IndicatorCatalogue catalogue, SourceChecks? checks, TimeSpan fileTimeout, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var sources = new Dictionary<string, SourceDefinition>(StringComparer.Ordinal);
        var errors = new List<ConfigError>();
        if (!Directory.Exists(folder))
        {
            return (sources, errors);
        }

        foreach (var file in Directory.EnumerateFiles(folder).Where(IsSourceFile).Order(StringComparer.Ordinal))
        {
            var (definition, fileErrors) = LoadWithin(file, catalogue, checks, fileTimeout, environment);
            errors.AddRange(fileErrors);
            if (definition is not null)
            {
                sources[definition.Id] = definition;
            }
        }

        return (sources, errors);
    }

    private static (SourceDefinition? Source, IReadOnlyList<ConfigError> Errors) LoadWithin(
        string file, IndicatorCatalogue catalogue, SourceChecks? checks, TimeSpan timeout, Func<string, string?> environment)
    {
        var info = new FileInfo(file);
        var stamp = $"{info.Length}:{info.LastWriteTimeUtc.Ticks}";
        var stuck = new ConfigError(info.Name, 0, "(file)",
            $"reading and checking it did not finish within {timeout.TotalSeconds:0.#} s (a named pipe? a hung network share?); it is skipped until it changes");
        if (StuckFiles.TryGetValue(file, out var stuckAt) && stuckAt == stamp)
        {
            return (null, [stuck]);
        }

        if (checks is not null && DataRoots.RealPath(file) is var real && !checks.Roots.IsInside(real))
        {
            return (null, [new ConfigError(info.Name, 0, "(file)", $"is a link to {real}, outside the config folder; source files are read from inside it only")]);
        }

        if (FileKind.NotARegularFile(file) is { } kind)
        {
            return (null, [new ConfigError(info.Name, 0, "(file)", $"is {kind}, not a regular file: not read")]);
        }

        var load = Task.Run(() => SourceFileLoader.Load(file, catalogue, checks, environment));
        if (!load.Wait(timeout))
        {
            StuckFiles[file] = stamp;
            return (null, [stuck]);
        }

        StuckFiles.TryRemove(file, out _);
        return load.Result;
    }

    public static bool IsSourceFile(string path) =>
        path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal);

    private sealed record Snapshot(IReadOnlyDictionary<string, SourceDefinition> Sources, IReadOnlyList<ConfigError> Errors, IReadOnlyCollection<string> KeptPrevious);
}

/// <summary>What one reload changed, for the log.</summary>
public sealed record SourceChanges(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> KeptPrevious,
    IReadOnlyList<ConfigError> Errors)
{
    public bool Any => Added.Count + Updated.Count + Removed.Count > 0;
}

/// <summary>Config files with errors; the message lists every one with file, line and field.</summary>
public sealed class ConfigurationException(IReadOnlyList<ConfigError> errors)
    : Exception("Configuration errors:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
