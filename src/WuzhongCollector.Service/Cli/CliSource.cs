using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Demo;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Cli;

/// <summary>A source as a verb names it: the id of a file in config/sources, or the path of a source file anywhere.</summary>
internal sealed record CliSource(SourceDefinition Definition, IndicatorCatalogue Catalogue)
{
    /// <summary>
    /// Loads the source with the config folder's catalogue. A path is read like <c>validate FILE</c> does, so a new
    /// file can be tried before it goes into config/sources; its relative paths still mean the config folder, as
    /// they will once it is there. On failure returns the errors, each with file and line, or why there is none.
    /// With <paramref name="noCalls"/> (a saved answer) unset secrets are no error: nothing is sent, so none is needed.
    /// </summary>
    public static (CliSource? Source, IReadOnlyList<ConfigError> Errors, string? Problem) Load(string argument, ConfigPaths paths, IConfiguration configuration, bool noCalls = false)
    {
        Func<string, string?>? environment = noCalls
            ? name => Environment.GetEnvironmentVariable(name) ?? (name.StartsWith(SecretReferences.EnvironmentPrefix, StringComparison.Ordinal) ? "(never sent)" : null)
            : null;

        // The same checks as the service: data paths inside the allowed folders, no URL to the service itself.
        var checks = new SourceChecks(paths.Data, SelfAddress.ConfiguredPorts(configuration));
        var (catalogue, catalogueErrors) = CatalogueLoader.Load(paths.Catalogue);
        if (catalogue is null)
        {
            return (null, catalogueErrors, $"{paths.Catalogue}: fix the catalogue first ({catalogueErrors.Count} error(s))");
        }

        if (SourceIds.IsValid(argument))
        {
            var (sources, errors) = SourceRegistry.LoadSources(paths.Sources, catalogue, checks, paths.SourceFileTimeout, environment);
            var own = errors.Where(e => SourceRegistry.SourceIdOf(e.File) == argument).ToList();
            return sources.GetValueOrDefault(argument) is { } found && own.Count == 0
                ? (new CliSource(found, catalogue), [], null)
                : (null, own, own.Count > 0
                    ? $"{argument}: fix the source file first ({own.Count} error(s))"
                    : $"unknown source '{argument}' (sources: {string.Join(", ", sources.Keys.Concat(errors.Select(e => SourceRegistry.SourceIdOf(e.File))).Distinct().Order(StringComparer.Ordinal))})");
        }

        var fullPath = CliCommands.UserPath(argument);
        if (!File.Exists(fullPath))
        {
            return (null, [], $"cannot read the source file {argument}: no such file ({fullPath})");
        }

        if (FileKind.NotARegularFile(fullPath) is { } kind)
        {
            return (null, [], $"cannot read the source file {argument}: it is {kind}, not a regular file");
        }

        var (definition, errorsByName) = SourceFileLoader.Load(fullPath, catalogue, checks, environment);
        // Named as given, so the errors point at the file the admin typed.
        var fileErrors = errorsByName.Select(e => e with { File = argument }).ToList();
        return definition is not null && fileErrors.Count == 0
            ? (new CliSource(definition, catalogue), [], null)
            : (null, fileErrors, $"{argument}: fix the source file first ({fileErrors.Count} error(s))");
    }
}
