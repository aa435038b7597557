using Microsoft.Extensions.Options;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Collection.Connectors;
using WuzhongCollector.Service.Demo;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// Airbyte's "check": one fetch through the source's real connector (connection, authentication, retries),
/// then the file header or the first record's fields, and whether every mapped field is there. It needs no
/// database and stores nothing.
/// </summary>
public static class CheckCommand
{
    public static async Task<int> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (context.Args.Length == 0 || context.Args[0].StartsWith('-'))
        {
            await context.Output.WriteLineAsync("usage: check SOURCE [--self URL]");
            return 2;
        }

        var sourceId = context.Args[0];
        var paths = CliCommands.Paths(context);
        var registry = SourceRegistry.Load(paths, () => SelfAddress.ConfiguredPorts(CliCommands.Configuration(context)));
        var fileErrors = registry.Errors.Where(e => SourceRegistry.SourceIdOf(e.File) == sourceId).ToList();
        var source = registry.Find(sourceId);
        if (source is null || fileErrors.Count > 0)
        {
            foreach (var error in fileErrors)
            {
                await context.Output.WriteLineAsync(error.ToString());
            }

            await context.Output.WriteLineAsync(source is null && fileErrors.Count == 0
                ? $"FAILED {sourceId}: no such source in {paths.Sources}"
                : $"FAILED {sourceId}: fix the file first ({fileErrors.Count} error(s))");
            return 1;
        }

        await using var services = Services(context, paths);
        var connector = services.GetServices<ISourceConnector>().Single(c => c.Kind == source.Kind);
        var log = new RunLog();
        try
        {
            var payload = await connector.FetchAsync(source, log, cancellationToken);
            await context.Output.WriteLineAsync($"fetched {payload.Origin}: {payload.Size} bytes, sha256 {payload.Sha256[..12]}, {log.Calls} call(s)");
            foreach (var retry in log.Retries)
            {
                await context.Output.WriteLineAsync("retry: " + retry);
            }

            var first = connector.Read(source, payload, cancellationToken).FirstOrDefault();
            return await ReportAsync(context.Output, source, first, log.Redactor);
        }
        catch (Exception ex) when (ex is PermanentSourceException or TransientSourceException or InvalidDataException or InvalidOperationException or HttpRequestException)
        {
            // The upstream's own words may echo a secret back.
            await context.Output.WriteLineAsync($"FAILED {sourceId}: {log.Redactor.Redact(ex.Message)}");
            return 1;
        }
    }

    private static async Task<int> ReportAsync(TextWriter output, SourceDefinition source, RawRecord? first, SecretRedactor redactor)
    {
        if (first is null)
        {
            await output.WriteLineAsync($"FAILED {source.Id}: no records found{(source.Http is { } http ? $" at '{http.RecordsPath}'" : " under the header")}");
            return 1;
        }

        await output.WriteLineAsync(redactor.Redact((first.IsTable ? "columns: " : "fields of the first record: ") + string.Join(", ", first.Fields.Keys.Where(k => !k.StartsWith('$')))));
        var mapped = new (string Name, FieldMap? Map)[]
        {
            ("indicator", source.Mapping.Indicator), ("area", source.Mapping.Area), ("period", source.Mapping.Period),
            ("value", source.Mapping.Value), ("unit", source.Mapping.Unit), ("status", source.Mapping.Status),
        };
        var missing = mapped.Where(m => m.Map?.From is { } from && !first.Fields.ContainsKey(from)).ToList();
        foreach (var (name, map) in mapped.Where(m => m.Map?.From is not null))
        {
            await output.WriteLineAsync($"  mapping.{name} <- '{map!.From}': {(first.Fields.ContainsKey(map.From!) ? "found" : "NOT FOUND")}");
        }

        await output.WriteLineAsync(missing.Count == 0
            ? $"OK {source.Id}: reachable, readable, every mapped field present (nothing was stored)"
            : $"FAILED {source.Id}: {missing.Count} mapped field(s) not in the data: {string.Join(", ", missing.Select(m => $"mapping.{m.Name} '{m.Map!.From}'"))}");
        return missing.Count == 0 ? 0 : 1;
    }

    /// <summary>The connectors as the service builds them, without the database or Hangfire.</summary>
    private static ServiceProvider Services(CliContext context, ConfigPaths paths)
    {
        var configuration = CliCommands.Configuration(context);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(configuration.GetSection(CollectorOptions.SectionName).Get<CollectorOptions>() ?? new CollectorOptions()));
        services.AddSingleton(paths);
        services.AddSingleton(new SelfAddress { BaseUrl = CliCommands.Option(context.Args, "--self"), DemoEnabled = true });
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFileSources();
        services.AddHttpSources();
        return services.BuildServiceProvider();
    }
}
