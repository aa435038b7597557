using WuzhongCollector.Benchmarks;
using WuzhongCollector.Benchmarks.Memory;

if (args.Length > 0 && args[0] == MemoryChild.Verb)
{
    return await MemoryChild.RunAsync(args[1..], Console.Out, CancellationToken.None);
}

if (args.Contains("--help"))
{
    await Console.Out.WriteLineAsync(BenchSettings.Usage);
    return 0;
}

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    await Console.Error.WriteLineAsync(BenchSettings.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var databases = await BenchDatabase.StartPrivateClusterAsync(cancellation.Token);
try
{
    var results = await Bench.RunAsync(settings, databases, Console.Out, cancellation.Token);
    var markdown = BenchReport.ToMarkdown(results, settings);
    await Console.Out.WriteLineAsync(markdown);
    if (settings.OutputPath is { } path)
    {
        await File.WriteAllTextAsync(path, markdown, cancellation.Token);
        await Console.Out.WriteLineAsync($"written to {path}");
    }

    return 0;
}
finally
{
    await databases.StopAsync();
}
