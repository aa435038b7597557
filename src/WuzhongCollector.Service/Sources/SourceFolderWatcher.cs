using System.Threading.Channels;
using Microsoft.Extensions.Options;
using WuzhongCollector.Service.Caching;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Operations;

namespace WuzhongCollector.Service.Sources;

/// <summary>
/// Hot reload: watches config/sources and, once changes have been quiet for a moment, re-reads every file
/// and re-syncs the recurring jobs. A file with errors keeps its last valid version scheduled; its errors go
/// to the log, the API (/api/sources, /api/config/errors) and the metrics.
/// </summary>
public sealed class SourceFolderWatcher(
    SourceRegistry registry,
    RecurringJobSync sync,
    ConfigPaths paths,
    CollectorMetrics metrics,
    AnswerCache answerCache,
    IOptions<OperationsOptions> options,
    IOptions<CollectorOptions> collectorOptions,
    TimeProvider timeProvider,
    ILogger<SourceFolderWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Directory.Exists(paths.Sources))
        {
            logger.LogWarning("Not watching {Folder}: it does not exist", paths.Sources);
            return;
        }

        // One pending signal is enough: every reload reads the whole folder.
        var signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var watcher = new FileSystemWatcher(paths.Sources)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        void Signal(string? path)
        {
            if (path is null || SourceRegistry.IsSourceFile(path))
            {
                signals.Writer.TryWrite(true);
            }
        }

        watcher.Created += (_, e) => Signal(e.FullPath);
        watcher.Changed += (_, e) => Signal(e.FullPath);
        watcher.Deleted += (_, e) => Signal(e.FullPath);
        watcher.Renamed += (_, e) =>
        {
            Signal(e.OldFullPath);
            Signal(e.FullPath);
        };
        watcher.Error += (_, e) =>
        {
            // An overflowed event buffer loses changes; a full reload finds them all.
            logger.LogWarning(e.GetException(), "Watching {Folder} failed; reloading everything", paths.Sources);
            Signal(null);
        };
        watcher.EnableRaisingEvents = true;
        _ = PollAsync(Signal, stoppingToken);

        try
        {
            while (await signals.Reader.WaitToReadAsync(stoppingToken))
            {
                // Editors save in several steps (truncate, write, rename): wait until the folder is quiet.
                do
                {
                    signals.Reader.TryRead(out _);
                    await Task.Delay(options.Value.ReloadDebounce, timeProvider, stoppingToken);
                }
                while (signals.Reader.TryRead(out _));

                await ReloadAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A safety net for lost change events (an overflowed inotify queue, a network share): compares the
    /// folder's names, sizes and times every poll interval and signals a reload when they differ. Each poll also
    /// restores recurring jobs removed outside the service.
    /// </summary>
    private async Task PollAsync(Action<string?> signal, CancellationToken stoppingToken)
    {
        var last = Fingerprint();
        try
        {
            // A one-shot delay per poll, not a PeriodicTimer: a clock that jumps ahead (a resumed VM, a test's
            // fake clock) must give one poll, not one for every interval it skipped.
            while (true)
            {
                await Task.Delay(options.Value.ReloadPollInterval, timeProvider, stoppingToken);
                var now = Fingerprint();
                if (now != last)
                {
                    last = now;
                    signal(null);
                }

                await RestoreRemovedJobsAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private string Fingerprint() => string.Join("|", new DirectoryInfo(paths.Sources).EnumerateFiles()
        .Where(f => SourceRegistry.IsSourceFile(f.Name))
        .OrderBy(f => f.Name, StringComparer.Ordinal)
        .Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));

    private async Task RestoreRemovedJobsAsync(CancellationToken cancellationToken)
    {
        if (!collectorOptions.Value.RunScheduler)
        {
            return;
        }

        try
        {
            await sync.RestoreRemovedJobsAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next poll tries again; the poll loop must survive a database that is away.
            logger.LogWarning(ex, "Checking for recurring jobs removed outside the service failed");
        }
    }

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var changes = registry.Reload();
            // Progress and freshness answers judge figures by the sources' declared cadences.
            answerCache.Invalidate(null);
            Report(changes);
            if (collectorOptions.Value.RunScheduler)
            {
                await sync.SyncAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The previous schedule stays in force; the next change tries again.
            logger.LogError(ex, "Reloading {Folder} failed; the previous sources stay scheduled", paths.Sources);
            metrics.ConfigReloaded(succeeded: false);
        }
    }

    private void Report(SourceChanges changes)
    {
        foreach (var id in changes.Added)
        {
            logger.LogInformation("Source {Source} added", id);
        }

        foreach (var id in changes.Updated)
        {
            logger.LogInformation("Source {Source} updated", id);
        }

        foreach (var id in changes.Removed)
        {
            logger.LogInformation("Source {Source} removed: its file is gone", id);
        }

        foreach (var error in changes.Errors)
        {
            logger.LogError("Config error in {File} line {Line}, {Field}: {Message}", error.File, error.Line, error.Field, error.Message);
        }

        foreach (var id in changes.KeptPrevious)
        {
            logger.LogWarning("Source {Source}: its file has errors; the last valid version stays scheduled", id);
        }

        metrics.ConfigReloaded(succeeded: changes.Errors.Count == 0);
    }
}
