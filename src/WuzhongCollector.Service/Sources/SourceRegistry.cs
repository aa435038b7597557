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
    private readonly Lock gate = new();
    private readonly string sourcesFolder;
    private readonly Func<string, string?> environment;
    private volatile Snapshot current = new(new Dictionary<string, SourceDefinition>(StringComparer.Ordinal), [], []);

    public SourceRegistry(IndicatorCatalogue catalogue, string sourcesFolder, Func<string, string?>? environment = null)
    {
        Catalogue = catalogue;
        this.sourcesFolder = sourcesFolder;
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
    public static SourceRegistry Load(ConfigPaths paths, Func<string, string?>? environment = null)
    {
        var (catalogue, errors) = CatalogueLoader.Load(paths.Catalogue);
        if (catalogue is null)
        {
            throw new ConfigurationException(errors);
        }

        var registry = new SourceRegistry(catalogue, paths.Sources, environment);
        registry.Reload();
        return registry;
    }

    /// <summary>Re-reads every source file and swaps the definitions in one step.</summary>
    public SourceChanges Reload()
    {
        lock (gate)
        {
            var (loaded, errors) = LoadSources(sourcesFolder, Catalogue, environment);
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

    /// <summary>Loads every *.yaml/*.yml file; a referenced secret whose variable is unset is an error of its file.</summary>
    public static (Dictionary<string, SourceDefinition> Sources, List<ConfigError> Errors) LoadSources(
        string folder, IndicatorCatalogue catalogue, Func<string, string?>? environment = null)
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
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException ex)
            {
                // An editor may still hold the file; the next change event reads it again.
                errors.Add(new ConfigError(Path.GetFileName(file), 0, "(file)", $"could not be read: {ex.Message}"));
                continue;
            }

            var name = Path.GetFileName(file);
            var (definition, fileErrors) = SourceFileLoader.Parse(Path.GetFileNameWithoutExtension(file), name, text, catalogue, file, environment);
            errors.AddRange(fileErrors);
            if (definition is not null)
            {
                sources[definition.Id] = definition;
            }
        }

        return (sources, errors);
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
