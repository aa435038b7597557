using WuzhongCollector.Service;
using WuzhongCollector.Service.Cli;
using WuzhongCollector.Service.Database;
using WuzhongCollector.Service.Sources;

if (CliCommands.IsVerb(args))
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    try
    {
        return await CliCommands.RunAsync(args, Console.Out, cancel.Token);
    }
    catch (OperationCanceledException) when (cancel.IsCancellationRequested)
    {
        return 130;
    }
    catch (Exception ex)
    {
        // A bug, not bad input (verbs report that themselves): the trace on stderr, stdout stays clean.
        await Console.Error.WriteLineAsync($"unexpected error, please report it: {ex}");
        return 70;
    }
}

WebApplication app;
try
{
    app = await CollectorApp.BuildAsync(args);
}
catch (ConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
catch (DatabaseUnavailableException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 3;
}

var embedded = app.Services.GetService<EmbeddedPostgres>();
try
{
    await app.RunAsync();
    return 0;
}
finally
{
    // Stop the private cluster only if this process started it and nobody asked to keep it.
    if (embedded is { StartedHere: true, Options.StopOnExit: true })
    {
        await embedded.StopAsync();
    }
}
