using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Monitoring;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Core.Tables;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Collection.Connectors;
using WuzhongCollector.Service.Demo;
using WuzhongCollector.Service.Plan;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// <c>preview</c> and <c>check</c>: one dry run of a source, through the connector a run uses (the file, a saved
/// answer, or one live fetch with the source's paging, auth, secrets and retries), mapped as a run maps it. Prints
/// every figure and every reject (check: the rejects and the summary only) and the outcome a run would record.
/// Stores nothing; <c>--diff</c> reads the database, read-only. Exit 0 when a run would reject nothing, 1 otherwise, 2 on usage.
/// </summary>
public static class PreviewCommand
{
    public const string Usage = "preview SOURCE [options]     every figure and reject a run would make; stores nothing (SOURCE: an id or a source file; --file F, --json, --diff, --self URL)";

    public const string CheckUsage = "check SOURCE [options]       preview in short: fetch, fields, rejects, the outcome a run would record (--file F, --self URL)";

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task<int> RunAsync(CliContext context, CancellationToken cancellationToken) => RunAsync(context, compact: false, cancellationToken);

    public static Task<int> CheckAsync(CliContext context, CancellationToken cancellationToken) => RunAsync(context, compact: true, cancellationToken);

    private static async Task<int> RunAsync(CliContext context, bool compact, CancellationToken cancellationToken)
    {
        if (PreviewOptions.Parse(context.Args) is not { } options || (compact && (options.Json || options.Diff)))
        {
            await context.Output.WriteLineAsync("usage: " + (compact ? CheckUsage : Usage));
            return 2;
        }

        var paths = CliCommands.Paths(context);
        var redactor = SecretRedactor.FromEnvironment();
        var printer = new PreviewPrinter(new RedactingWriter(context.Output, redactor), options.Json, compact);
        var (loaded, configErrors, problem) = CliSource.Load(options.Source, paths, CliCommands.Configuration(context), noCalls: options.File is not null);
        if (loaded is null)
        {
            return await printer.NoSourceAsync(options.Source, configErrors, problem!);
        }

        var source = loaded.Definition;
        await using var services = Connectors(context, paths, options.Self);
        var connector = services.GetServices<ISourceConnector>().Single(c => c.Kind == source.Kind);
        var log = new RunLog(redactor);
        PreviewResult result;
        try
        {
            var payload = await FetchAsync(source, connector, options, paths, log, cancellationToken);
            result = Map(source, loaded.Catalogue, connector, payload, cancellationToken);
            if (options.Diff)
            {
                result = result with { Stored = await PreviewDiff.StoredAsync(context, result.Unique, cancellationToken) };
            }
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            return await printer.FailAsync(source.Id, failure.Outcome, failure.Class, ex.Message, log);
        }

        // The plausible ranges flag what a run would store; without a readable monitoring.yaml nothing is flagged.
        var ranges = MonitoringSettingsLoader.Load(Path.Combine(paths.Directory, PlanRegistration.SettingsFile), loaded.Catalogue).Settings;
        return await printer.WriteAsync(source, loaded.Catalogue, ranges, result, log);
    }

    /// <summary>What a run would fetch: the file (given, configured, or the oldest in the drop folder), a saved answer, or the live endpoint.</summary>
    private static async Task<FetchedPayload> FetchAsync(
        SourceDefinition source, ISourceConnector connector, PreviewOptions options, ConfigPaths paths, RunLog log, CancellationToken cancellationToken)
    {
        var file = options.File is { } given ? GivenFile(given, paths) : null;
        var origin = file is null ? null : Origin(file, paths);
        if (file is not null && !File.Exists(file))
        {
            throw new PreviewException(Path.IsPathRooted(options.File!)
                ? $"file {origin} does not exist"
                : $"file {options.File} does not exist in the working folder ({CliCommands.UserPath(options.File!)}) or in the config folder ({file})", "no-file");
        }

        if (connector is HttpJsonConnector http)
        {
            if (file is not null)
            {
                return http.Saved(source, file, origin!, log);
            }

            // The service knows its own address once it listens; a verb has to be told.
            return options.Self is null && source.Http!.Url.Contains(SelfAddress.Placeholder, StringComparison.Ordinal)
                ? throw new PreviewException($"its URL is on the service itself ({SelfAddress.Placeholder}): pass --self with the address of a running service, or --file with a saved answer", "config")
                : await http.FetchAsync(source, log, cancellationToken);
        }

        if (file is null && source.File!.DropFolder is { } dropFolder)
        {
            // Through the run's path check: links resolved, inside the allowed folders, and no link to outside read.
            var folder = CsvFileConnector.DataPath(source, paths, "file.dropFolder", dropFolder);
            file = (Directory.Exists(folder) ? DropFolder.Pending(folder).FirstOrDefault(f => paths.Data.IsInside(DataRoots.RealPath(f))) : null)
                ?? throw new PreviewException($"no file waiting in the drop folder {dropFolder} (a run would end unchanged); pass --file F", "no-file");
            origin = Origin(file, paths);
        }

        if (file is null)
        {
            return await connector.FetchAsync(source, log, cancellationToken);
        }

        log.Step($"file {origin}");
        return await CsvFileConnector.HashFileAsync(file, origin!, cancellationToken);
    }

    /// <summary>Maps every record as a run does; conflicting duplicates become rejects where they stand, as the write rejects them.</summary>
    private static PreviewResult Map(SourceDefinition source, IndicatorCatalogue catalogue, ISourceConnector connector, FetchedPayload payload, CancellationToken cancellationToken)
    {
        var mapper = new RecordMapper(source.Mapping, catalogue);
        var valueFields = source.Mapping.ValueFields;
        var lines = new List<PreviewLine>();
        RawRecord? first = null;
        var records = 0;
        foreach (var record in connector.Read(source, payload, cancellationToken))
        {
            first ??= record;
            records++;
            var results = mapper.MapAll(record);
            for (var i = 0; i < results.Count; i++)
            {
                var (observation, rejection) = results[i];
                // One result per value field, or a single one for a record skipped or refused as a whole.
                var value = results.Count == valueFields.Count ? valueFields[i].Value : source.Mapping.Value;
                lines.Add(new PreviewLine(observation, rejection, Cell(record, observation is null ? FieldOf(source.Mapping, rejection!.Field, value) : value)));
            }
        }

        var (unique, conflicts) = DuplicateKeys.Resolve(lines.Select(l => l.Observation).OfType<Observation>());
        var conflictsByKey = conflicts.GroupBy(c => (c.IndicatorCode, c.AreaCode, c.Period?.Id)).ToDictionary(g => g.Key, g => new Queue<Rejection>(g));
        for (var i = 0; i < lines.Count && conflictsByKey.Count > 0; i++)
        {
            if (lines[i].Observation is { } o && conflictsByKey.TryGetValue((o.IndicatorCode, o.AreaCode, o.Period.Id), out var queue))
            {
                lines[i] = lines[i] with { Observation = null, Rejection = queue.Dequeue() };
            }
        }

        var fields = first?.Fields.Keys.Where(k => !k.StartsWith('$')).ToList();
        return new PreviewResult(payload, lines, unique, fields, first?.IsTable ?? false, records);
    }

    private static FieldMap? FieldOf(RecordMapping mapping, string field, FieldMap value) => field switch
    {
        "indicator" => mapping.Indicator,
        "area" => mapping.Area,
        "period" => mapping.Period,
        "unit" => mapping.Unit ?? value,
        "status" => mapping.Status,
        _ => value,
    };

    // A period built from several fields is placed, like its reject, at its first field.
    private static CellAddress? Cell(RawRecord record, FieldMap? map) =>
        (map?.From ?? map?.Template?.Fields.FirstOrDefault()) is { } from ? record.Table?.Address(from) : null;

    /// <summary>How a run would end on this exception (no outcome: the preview itself could not be made); null for a bug, which propagates.</summary>
    private static (string? Outcome, string Class)? Failure(Exception ex) => ex switch
    {
        PreviewException e => (null, e.FailureClass),
        PermanentSourceException p => ("failed-permanent", p.FailureClass),
        TransientSourceException t => ("failed-transient", t.FailureClass),
        InvalidDataException or IOException or UnauthorizedAccessException => ("failed-permanent", "unreadable"),
        _ => null,
    };

    /// <summary>The connectors as the service builds them, without the database or Hangfire.</summary>
    private static ServiceProvider Connectors(CliContext context, ConfigPaths paths, string? self)
    {
        var configuration = CliCommands.Configuration(context);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(configuration.GetSection(CollectorOptions.SectionName).Get<CollectorOptions>() ?? new CollectorOptions()));
        services.AddSingleton(paths);
        services.AddSingleton(new SelfAddress { BaseUrl = self, DemoEnabled = true });
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFileSources();
        services.AddHttpSources();
        return services.BuildServiceProvider();
    }

    /// <summary>A relative --file is looked for in the folder the command was typed in, then in the config folder (like source paths).</summary>
    private static string GivenFile(string file, ConfigPaths paths) =>
        Path.IsPathRooted(file) ? file : CliCommands.FindUserFile(file) ?? paths.Resolve(file);

    private static string Origin(string file, ConfigPaths paths) =>
        file.StartsWith(paths.Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(paths.Directory, file) : file;

    internal static string Json(object value) => JsonSerializer.Serialize(value, JsonOptions);

    internal static string Number(decimal value) => Units.Trim(value).ToString(CultureInfo.InvariantCulture);

    private sealed record PreviewOptions(string Source, string? File, bool Json, bool Diff, string? Self)
    {
        public static PreviewOptions? Parse(string[] args)
        {
            var options = new PreviewOptions(string.Empty, null, false, false, null);
            for (var i = 0; i < args.Length; i++)
            {
                options = args[i] switch
                {
                    "--json" => options with { Json = true },
                    "--diff" => options with { Diff = true },
                    "--file" when i + 1 < args.Length => options with { File = args[++i] },
                    "--self" when i + 1 < args.Length => options with { Self = args[++i] },
                    var a when !a.StartsWith('-') && options.Source.Length == 0 => options with { Source = a },
                    _ => null,
                };
                if (options is null)
                {
                    return null;
                }
            }

            return options.Source.Length == 0 ? null : options;
        }
    }
}

/// <summary>One record of a preview: the figure it gives or why it gives none, and its cell in a table.</summary>
internal sealed record PreviewLine(Observation? Observation, Rejection? Rejection, CellAddress? Cell);

/// <summary>Everything a preview found; <see cref="Stored"/> is what the database holds for those keys, with --diff.</summary>
internal sealed record PreviewResult(
    FetchedPayload Payload,
    IReadOnlyList<PreviewLine> Lines,
    IReadOnlyList<Observation> Unique,
    IReadOnlyList<string>? Fields,
    bool IsTable,
    int Records)
{
    public IReadOnlyDictionary<(string Indicator, string Area, string Period), Plan.CurrentFigure>? Stored { get; init; }
}

/// <summary>The preview could not be made (no file to read, the --diff database unreadable); says why, not how a run would end.</summary>
internal sealed class PreviewException(string message, string failureClass) : Exception(message)
{
    public string FailureClass { get; } = failureClass;
}
