using System.Globalization;
using System.Text.Json;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Collection.Connectors;
using WuzhongCollector.Service.Demo;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// <c>preview &lt;source&gt; [--file F] [--json]</c>: maps a file with a source definition exactly as a run
/// would, and prints every observation it would store and every reject with its cell and reason. It needs
/// no database and writes nothing. Exit 0 when nothing was rejected as an error, 1 otherwise, 2 on usage.
/// </summary>
public static class PreviewCommand
{
    public const string Usage = "preview <source> [--file F] [--json]   what a run would store and reject for a file; writes nothing";

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var (args, output) = (context.Args, context.Output);
        var json = args.Contains("--json");
        var fileIndex = Array.IndexOf(args, "--file");
        var positional = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (fileIndex < 0 || i != fileIndex + 1)).ToList();
        if (positional.Count != 1 || (fileIndex >= 0 && fileIndex + 1 >= args.Length))
        {
            await output.WriteLineAsync("usage: " + Usage);
            return 2;
        }

        var paths = CliCommands.Paths(context);
        SourceRegistry registry;
        try
        {
            registry = SourceRegistry.Load(paths, () => SelfAddress.ConfiguredPorts(CliCommands.Configuration(context)));
        }
        catch (ConfigurationException ex)
        {
            await output.WriteLineAsync(ex.Message);
            return 1;
        }

        if (registry.Find(positional[0]) is not { } source)
        {
            await output.WriteLineAsync($"unknown source '{positional[0]}' (sources: {string.Join(", ", registry.Sources.Keys.Order(StringComparer.Ordinal))})");
            return 1;
        }

        string? file;
        try
        {
            file = fileIndex >= 0 ? GivenFile(args[fileIndex + 1], paths) : DefaultFile(source, paths);
        }
        catch (PermanentSourceException ex)
        {
            await output.WriteLineAsync(ex.Message);
            return 1;
        }

        if (file is null || !File.Exists(file))
        {
            await output.WriteLineAsync(file is null
                ? $"{source.Id}: no file to preview; pass --file F (a saved response for an http-json source)"
                : $"{source.Id}: file {file} does not exist");
            return 1;
        }

        var origin = file.StartsWith(paths.Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(paths.Directory, file) : file;
        var printer = new PreviewPrinter(output, json, source, registry.Catalogue);
        try
        {
            var mapper = new RecordMapper(source.Mapping, registry.Catalogue);
            foreach (var record in SourceReader.Read(source, () => File.OpenRead(file), origin, cancellationToken))
            {
                var (observation, rejection) = mapper.Map(record);
                await printer.WriteAsync(record, observation, rejection);
            }
        }
        catch (InvalidDataException ex)
        {
            await printer.FailAsync(ex.Message);
            return 1;
        }

        return await printer.FinishAsync(origin);
    }

    /// <summary>
    /// The file a run would read, through the same path check (links resolved, inside the allowed folders): the
    /// configured path, or the oldest file waiting in the drop folder that is not a link to outside.
    /// </summary>
    private static string? DefaultFile(SourceDefinition source, ConfigPaths paths) => source.File switch
    {
        { Path: { } path } => CsvFileConnector.DataPath(source, paths, "file.path", path),
        { DropFolder: { } folder } when CsvFileConnector.DataPath(source, paths, "file.dropFolder", folder) is var real && Directory.Exists(real) =>
            DropFolder.Pending(real).FirstOrDefault(f => paths.Data.IsInside(DataRoots.RealPath(f))),
        _ => null,
    };

    /// <summary>A relative --file is looked for in the working folder, then in the config folder (like source paths).</summary>
    private static string GivenFile(string file, ConfigPaths paths) =>
        Path.IsPathRooted(file) || File.Exists(file) ? Path.GetFullPath(file) : paths.Resolve(file);

    internal static string Json(object value) => JsonSerializer.Serialize(value, JsonOptions);

    internal static string Number(decimal value) => Units.Trim(value).ToString(CultureInfo.InvariantCulture);
}
