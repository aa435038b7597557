using WuzhongCollector.Benchmarks;
using WuzhongCollector.Benchmarks.Memory;

if (args.Length > 0 && args[0] == MemoryChild.Verb)
{
    return await MemoryChild.RunAsync(args[1..], Console.Out, CancellationToken.None);
}

if (args.Length == 3 && args[0] == "write-export")
{
    // A config folder with the issue-13 export and its source file, for profiling the service's own "run" verb on it.
    var exportConfig = new WuzhongCollector.Benchmarks.Data.BenchConfig(Path.GetFullPath(args[1]));
    var export = new WuzhongCollector.Benchmarks.Data.MonthlyExport(exportConfig.LoadCatalogue());
    await export.WriteCsvAsync(Path.Combine(exportConfig.Directory, "exports", "monthly.csv"), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
    exportConfig.WriteSource(WuzhongCollector.Benchmarks.Data.MonthlyExport.SourceId, export.SourceYaml("exports/monthly.csv"));
    return 0;
}

if (args.Length == 3 && args[0] == "first-load")
{
    // Scenario 7's first load alone (limit and service, back to back, PAIRS times): a quick loop for work on the write path.
    var pairDatabases = await BenchDatabase.StartPrivateClusterAsync(CancellationToken.None);
    var workDirectory = new BenchSettings().WorkDirectory;
    try
    {
        await WuzhongCollector.Benchmarks.Load.FirstLoadBench.RunPairsAsync(
            int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
            pairDatabases, workDirectory, Console.Out, CancellationToken.None);
        return 0;
    }
    finally
    {
        await pairDatabases.StopAsync();
        if (Directory.Exists(workDirectory))
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }
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
