using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Sources;

/// <summary>The validated catalogue and source definitions the service runs with.</summary>
public sealed class SourceRegistry
{
    private volatile IReadOnlyDictionary<string, SourceDefinition> sources;

    public SourceRegistry(IndicatorCatalogue catalogue, IReadOnlyDictionary<string, SourceDefinition> sources)
    {
        Catalogue = catalogue;
        this.sources = sources;
    }

    public IndicatorCatalogue Catalogue { get; }

    public IReadOnlyDictionary<string, SourceDefinition> Sources => sources;

    public SourceDefinition? Find(string id) => sources.GetValueOrDefault(id);

    /// <summary>Loads and validates everything; start-up stops on any error, listing them all.</summary>
    public static SourceRegistry Load(ConfigPaths paths)
    {
        var (catalogue, errors) = CatalogueLoader.Load(paths.Catalogue);
        if (catalogue is null)
        {
            throw new ConfigurationException(errors);
        }

        var (definitions, sourceErrors) = LoadSources(paths.Sources, catalogue);
        if (sourceErrors.Count > 0)
        {
            throw new ConfigurationException(sourceErrors);
        }

        return new SourceRegistry(catalogue, definitions);
    }

    public static (Dictionary<string, SourceDefinition> Sources, List<ConfigError> Errors) LoadSources(string folder, IndicatorCatalogue catalogue)
    {
        var sources = new Dictionary<string, SourceDefinition>(StringComparer.Ordinal);
        var errors = new List<ConfigError>();
        if (!Directory.Exists(folder))
        {
            return (sources, errors);
        }

        foreach (var file in Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var (definition, fileErrors) = SourceFileLoader.Load(file, catalogue);
            errors.AddRange(fileErrors);
            if (definition is not null)
            {
                sources[definition.Id] = definition;
            }
        }

        return (sources, errors);
    }
}

/// <summary>Config files with errors; the message lists every one with file, line and field.</summary>
public sealed class ConfigurationException(IReadOnlyList<ConfigError> errors)
    : Exception("Configuration errors:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
