using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// The service binary's verbs for admins: <c>dotnet run --project src/WuzhongCollector.Service -- &lt;verb&gt;</c>.
/// Without a verb the service runs. Each verb is a static method taking the remaining arguments and
/// returning the exit code (0 fine, 1 errors found, 2 usage).
/// </summary>
public static class CliCommands
{
    private static readonly Dictionary<string, (string Usage, Func<string[], TextWriter, CancellationToken, Task<int>> Run)> Verbs = new(StringComparer.Ordinal)
    {
        ["validate"] = ("validate                 check the catalogue and every source file; exit 1 on any error", ValidateAsync),
        ["preview"] = (PreviewCommand.Usage, PreviewCommand.RunAsync),
    };

    public static bool IsVerb(string[] args) => args.Length > 0 && (Verbs.ContainsKey(args[0]) || args[0] is "help" or "--help");

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
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

        return await verb.Run(args[1..], output, cancellationToken);
    }

    /// <summary>Config paths for verbs, resolved as the service resolves them (Collector__ConfigDirectory honoured).</summary>
    public static ConfigPaths Paths()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = configuration.GetSection(CollectorOptions.SectionName).Get<CollectorOptions>() ?? new CollectorOptions();
        var environment = new CliEnvironment(Directory.GetCurrentDirectory());
        return new ConfigPaths(Microsoft.Extensions.Options.Options.Create(options), environment);
    }

    private static async Task<int> ValidateAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var paths = Paths();
        try
        {
            var registry = SourceRegistry.Load(paths);
            await output.WriteLineAsync($"OK: {registry.Catalogue.Indicators.Count} indicators, {registry.Sources.Count} sources in {paths.Directory}");
            return 0;
        }
        catch (ConfigurationException ex)
        {
            foreach (var error in ex.Errors)
            {
                await output.WriteLineAsync(error.ToString());
            }

            await output.WriteLineAsync($"{ex.Errors.Count} error(s)");
            return 1;
        }
    }

    private sealed class CliEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "WuzhongCollector.Service";

        public string ContentRootPath { get; set; } = contentRoot;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
