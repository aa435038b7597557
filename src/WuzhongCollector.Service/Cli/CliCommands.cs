using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Demo;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// What a verb gets: its arguments, where to print, and configuration on top of the environment's (tests pass their
/// database and folder); <see cref="Error"/> takes progress of long work, shown when it is a terminal or asked for.
/// </summary>
public sealed record CliContext(string[] Args, TextWriter Output, IReadOnlyDictionary<string, string?> Settings, TextWriter? Error = null, bool ErrorIsTerminal = false);

/// <summary>
/// The service binary's verbs for admins: <c>dotnet run --project src/WuzhongCollector.Service -- &lt;verb&gt;</c>.
/// Without a verb the service runs. Each verb returns the exit code: 0 fine, 1 errors found, 2 usage.
/// </summary>
public static class CliCommands
{
    private static readonly Dictionary<string, (string Usage, Func<CliContext, CancellationToken, Task<int>> Run)> Verbs = new(StringComparer.Ordinal)
    {
        ["validate"] = ("validate [FILE...]           check the catalogue and every source file (or the given files); exit 1 on any error", ValidateAsync),
        ["check"] = (PreviewCommand.CheckUsage, PreviewCommand.CheckAsync),
        ["run"] = ("run SOURCE [--progress]      collect once now, outside the schedule, and print the run summary; progress every 5 s on stderr when it is a terminal or with --progress", ServiceCommands.RunAsync),
        ["pause"] = ("pause SOURCE --reason TEXT   stop the source's schedule; it stays visible with the reason", ServiceCommands.PauseAsync),
        ["resume"] = ("resume SOURCE                lift a pause made by the CLI, the API or the failure alerts", ServiceCommands.ResumeAsync),
        ["hash-password"] = ("hash-password                read a password on standard input; print its hash for Security:Users", CredentialCommands.HashPasswordAsync),
        ["new-token"] = ("new-token                    print a new API token and its SHA-256 for Security:Tokens", CredentialCommands.NewTokenAsync),
        ["preview"] = (PreviewCommand.Usage, PreviewCommand.RunAsync),
    };

    public static bool IsVerb(string[] args) => args.Length > 0 && (Verbs.ContainsKey(args[0]) || args[0] is "help" or "--help");

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null,
        TextWriter? error = null, bool errorIsTerminal = false)
    {
        if (args[0] is "help" or "--help" || !Verbs.TryGetValue(args[0], out var verb))
        {
            await output.WriteLineAsync("usage: WuzhongCollector.Service [<verb> [args]]   (no verb: run the service)");
            foreach (var (_, (usage, _)) in Verbs)
            {
                await output.WriteLineAsync("  " + usage);
            }

            return args[0] is "help" or "--help" ? 0 : 2;
        }

        return await verb.Run(new CliContext(args[1..], output, settings ?? new Dictionary<string, string?>(), error, errorIsTerminal), cancellationToken);
    }

    /// <summary>Configuration for verbs: environment variables (Collector__ConfigDirectory, ConnectionStrings__Collector …), then the context's settings.</summary>
    public static IConfiguration Configuration(CliContext context) =>
        new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(context.Settings).Build();

    /// <summary>Config paths for verbs, resolved as the service resolves them.</summary>
    public static ConfigPaths Paths(CliContext context)
    {
        var options = Configuration(context).GetSection(CollectorOptions.SectionName).Get<CollectorOptions>() ?? new CollectorOptions();
        return new ConfigPaths(Microsoft.Extensions.Options.Options.Create(options), Environment());
    }

    /// <summary>The host environment verbs share with the service: content root is the working folder (it keys the embedded cluster).</summary>
    public static IHostEnvironment Environment() => new CliEnvironment(Directory.GetCurrentDirectory());

    /// <summary>
    /// A path the admin typed, made absolute. Relative paths mean the folder the command was typed in: <c>dotnet run
    /// --project</c> starts the program in the project folder, but the shell's <c>PWD</c> survives in the
    /// environment, so that folder is tried first, then the process's working folder (a launcher that changed
    /// folder without updating PWD). When the file is in neither, the path in the shell's folder, for the message.
    /// </summary>
    public static string UserPath(string path) =>
        Path.IsPathRooted(path) ? path : FindUserFile(path) ?? Path.GetFullPath(path, WorkingFolders().First());

    /// <summary>A relative path's file in the shell's folder or the process's working folder, or null.</summary>
    public static string? FindUserFile(string path) =>
        WorkingFolders().Select(folder => Path.GetFullPath(path, folder)).FirstOrDefault(File.Exists);

    private static IEnumerable<string> WorkingFolders()
    {
        var shell = System.Environment.GetEnvironmentVariable("PWD");
        if (shell is not null && Path.IsPathRooted(shell) && Directory.Exists(shell))
        {
            yield return shell;
        }

        yield return Directory.GetCurrentDirectory();
    }

    /// <summary>The value after <paramref name="name"/>, if given.</summary>
    public static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static async Task<int> ValidateAsync(CliContext context, CancellationToken cancellationToken)
    {
        var paths = Paths(context);
        var (catalogue, catalogueErrors) = CatalogueLoader.Load(paths.Catalogue);
        var errors = new List<ConfigError>(catalogueErrors);
        var sources = 0;
        // The same checks as the service: data paths inside the allowed folders, no URL to the service itself.
        var checks = new SourceChecks(paths.Data, SelfAddress.ConfiguredPorts(Configuration(context)));
        if (catalogue is not null)
        {
            if (context.Args.Length == 0)
            {
                var (loaded, sourceErrors) = SourceRegistry.LoadSources(paths.Sources, catalogue, checks, paths.SourceFileTimeout);
                sources = loaded.Count;
                errors.AddRange(sourceErrors);
            }

            foreach (var file in context.Args)
            {
                var fullPath = UserPath(file);
                if (!File.Exists(fullPath))
                {
                    errors.Add(new ConfigError(file, 0, "(file)", $"no such file ({fullPath})"));
                    continue;
                }

                // A file given by name may lie anywhere (a draft); what it names is checked as in config/sources.
                var (definition, fileErrors) = SourceFileLoader.Load(fullPath, catalogue, checks);
                errors.AddRange(fileErrors);
                sources += definition is not null ? 1 : 0;
            }
        }

        foreach (var error in errors)
        {
            await output(error.ToString());
        }

        if (errors.Count > 0)
        {
            await output($"{errors.Count} error(s)");
            return 1;
        }

        await output($"OK: {catalogue!.Indicators.Count} indicators, {sources} source(s) in {(context.Args.Length == 0 ? paths.Directory : string.Join(", ", context.Args))}");
        return 0;

        Task output(string line) => context.Output.WriteLineAsync(line);
    }

    private sealed class CliEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "WuzhongCollector.Service";

        public string ContentRootPath { get; set; } = contentRoot;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
