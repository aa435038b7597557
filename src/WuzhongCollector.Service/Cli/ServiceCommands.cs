using Dapper;
using Npgsql;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Database;
using WuzhongCollector.Service.Operations;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// Verbs that act on the service's database: they build the service as it runs (same configuration, same
/// database, embedded or not) without starting its web server or scheduler.
/// </summary>
public static class ServiceCommands
{
    public static async Task<int> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (SourceArgument(context) is not { } sourceId)
        {
            return await UsageAsync(context, "run SOURCE");
        }

        return await WithServiceAsync(context, async app =>
        {
            var registry = app.Services.GetRequiredService<SourceRegistry>();
            if (registry.Find(sourceId) is null)
            {
                await context.Output.WriteLineAsync($"FAILED {sourceId}: no valid source of that name ({string.Join("; ", registry.Errors.Where(e => SourceRegistry.SourceIdOf(e.File) == sourceId))})");
                return 1;
            }

            var pause = await app.Services.GetRequiredService<SourcePauses>().StateAsync(sourceId, cancellationToken);
            if (pause is { Paused: true })
            {
                await context.Output.WriteLineAsync($"note: {sourceId} is paused ({pause.Reason}); running it once anyway");
            }

            using var scope = app.Services.CreateScope();
            var job = scope.ServiceProvider.GetRequiredService<CollectSourceJob>();
            var progress = new RunProgress(app.Services.GetRequiredService<TimeProvider>());
            var progressTo = context.ErrorIsTerminal || context.Args.Contains("--progress") ? context.Error : null;
            long runId;
            try
            {
                await using (progressTo is null ? null : progress.ReportEvery(RunProgress.Interval, (line, _) => progressTo.WriteLineAsync($"{sourceId}: {line}")))
                {
                    runId = (await job.CollectAsync(sourceId, cancellationToken, progress)).RunId;
                }
            }
            catch (Exception ex) when (ex is PermanentSourceException or TransientSourceException)
            {
                runId = await LatestRunAsync(app, sourceId, cancellationToken);
            }

            var run = await RunByIdAsync(app, runId, cancellationToken);
            await context.Output.WriteLineAsync(run.Describe());
            return run.Failed || run.Outcome == "skipped" ? 1 : 0;
        }, cancellationToken);
    }

    public static async Task<int> PauseAsync(CliContext context, CancellationToken cancellationToken)
    {
        var reason = CliCommands.Option(context.Args, "--reason");
        if (SourceArgument(context) is not { } sourceId || string.IsNullOrWhiteSpace(reason))
        {
            return await UsageAsync(context, "pause SOURCE --reason TEXT");
        }

        return await WithServiceAsync(context, async app =>
        {
            var state = await app.Services.GetRequiredService<SourcePauses>().PauseAsync(sourceId, reason, "cli", cancellationToken);
            return await ReportAsync(context, sourceId, state);
        }, cancellationToken);
    }

    public static async Task<int> ResumeAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (SourceArgument(context) is not { } sourceId)
        {
            return await UsageAsync(context, "resume SOURCE");
        }

        return await WithServiceAsync(context, async app =>
        {
            var state = await app.Services.GetRequiredService<SourcePauses>().ResumeAsync(sourceId, "cli", cancellationToken);
            return await ReportAsync(context, sourceId, state);
        }, cancellationToken);
    }

    private static async Task<int> ReportAsync(CliContext context, string sourceId, PauseState? state)
    {
        if (state is null)
        {
            await context.Output.WriteLineAsync($"FAILED {sourceId}: not registered (is its file in config/sources, and has the service started since?)");
            return 1;
        }

        await context.Output.WriteLineAsync(state.Paused
            ? $"{sourceId} paused since {state.PausedAt:yyyy-MM-dd HH:mm:ss}Z by {state.PausedBy}: {state.Reason}"
            : $"{sourceId} is scheduled (not paused)");
        return 0;
    }

    private static async Task<int> WithServiceAsync(CliContext context, Func<WebApplication, Task<int>> action, CancellationToken cancellationToken)
    {
        var app = await BuildAsync(context, cancellationToken);
        var embedded = app.Services.GetService<EmbeddedPostgres>();
        try
        {
            return await action(app);
        }
        finally
        {
            await app.DisposeAsync();

            // Hangfire keeps its log provider in a static; it would point at the disposed logger factory.
            Hangfire.Logging.LogProvider.SetCurrentLogProvider(null);

            // A private cluster this verb had to start is stopped again; one the service runs is left alone.
            if (embedded is { StartedHere: true, Options.StopOnExit: true })
            {
                await embedded.StopAsync();
            }
        }
    }

    private static Task<WebApplication> BuildAsync(CliContext context, CancellationToken cancellationToken) =>
        CollectorApp.BuildAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(context.Settings);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Collector:RunScheduler"] = "false",
                ["Collector:TriggerNewSourcesOnStart"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        }, cancellationToken);

    private static string? SourceArgument(CliContext context) =>
        context.Args.Length > 0 && !context.Args[0].StartsWith('-') ? context.Args[0] : null;

    private static async Task<int> UsageAsync(CliContext context, string usage)
    {
        await context.Output.WriteLineAsync("usage: " + usage);
        return 2;
    }

    private static async Task<long> LatestRunAsync(WebApplication app, string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT max(id) FROM run WHERE source_id = @sourceId", new { sourceId }, cancellationToken: cancellationToken));
    }

    private static async Task<RunRecord> RunByIdAsync(WebApplication app, long runId, CancellationToken cancellationToken)
    {
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<RunRecord>(new CommandDefinition(RunRecord.Select + " WHERE id = @runId", new { runId }, cancellationToken: cancellationToken));
    }
}
