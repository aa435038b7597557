using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service;

/// <summary>Service-wide settings, section <c>Collector</c>.</summary>
public sealed class CollectorOptions
{
    public const string SectionName = "Collector";

    /// <summary>Folder holding catalogue.yaml and sources/. <value>The default is the nearest "config" folder above the content root.</value></summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>
    /// Folders outside the config folder that source files may read data from (file.path, file.dropFolder):
    /// absolute, or relative to the config folder. Symbolic links are resolved before any path is judged, so a link
    /// cannot lead out of these folders. <value>The default is none: only the config folder.</value>
    /// </summary>
    [MaxLength(50)]
    public string[]? AllowedDataRoots { get; set; }

    /// <summary>
    /// How long reading and checking one source file may take; a file that takes longer (a named pipe, a hung
    /// network share) is reported as an error and skipped until it changes, so it cannot stop hot reload.
    /// <value>The default is 10 seconds.</value>
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan SourceFileTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Delays of Hangfire's whole-run retries, for transient failures only; one retry per entry.
    /// <value>The default is 30, 120, 600.</value>
    /// </summary>
    [MaxLength(5)]
    public int[]? RetryDelaysSeconds { get; set; }

    // Configuration binding appends to an initialised array, so the default lives here instead.
    public int[] EffectiveRetryDelays => RetryDelaysSeconds ?? [30, 120, 600];

    /// <summary>Hangfire workers in this instance. <value>The default is 5.</value></summary>
    [Range(1, 50)]
    public int WorkerCount { get; set; } = 5;

    /// <summary>
    /// How long a fetched job stays invisible to other servers without a keep-alive. Sliding, so long runs are not
    /// duplicated. A killed instance's jobs come back sooner, after <see cref="ServerTimeout"/>; this is the
    /// fallback for a job its server fetched but had not yet started. <value>The default is 5 minutes.</value>
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A Hangfire server silent for this long is dead: its processing jobs are requeued at once rather than after
    /// <see cref="InvisibilityTimeout"/>, and its running runs read abandoned. Servers send a heartbeat every sixth
    /// of it, and every instance checks as often. <value>The default is 30 seconds.</value>
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:06", "00:30:00")]
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long start-up waits for an unreachable PostgreSQL, saying so in the log, before the service stops
    /// with a clear message. <value>The default is 2 minutes.</value>
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DatabaseStartupTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often idle workers poll the queue. <value>The default is 2 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Payloads up to this size are archived in the database, gzip-compressed and streamed in chunks, so the
    /// size costs disk, never memory. <value>The default is 1 GiB.</value>
    /// </summary>
    [Range(0, long.MaxValue)]
    public long ArchiveMaxBytes { get; set; } = 1L << 30;

    /// <summary>HTTP bodies above this size are refused. <value>The default is 50 MiB.</value></summary>
    [Range(1024, long.MaxValue)]
    public long MaxResponseBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Serve the demo open-data endpoints under /demo. <value>The default is on in Development.</value></summary>
    public bool? DemoEndpoints { get; set; }

    /// <summary>At start, run every source that has never run, so a fresh install has data at once. <value>The default is on in Development.</value></summary>
    public bool? TriggerNewSourcesOnStart { get; set; }

    /// <summary>
    /// Start even when some source files have errors, scheduling only the valid ones (errors are logged, shown
    /// in the API and counted). Off by default: a deploy with a broken source file fails loudly instead of
    /// silently dropping that source. Edits while running never stop the service (hot reload keeps the last
    /// valid version). <value>The default is false.</value>
    /// </summary>
    public bool StartDespiteSourceErrors { get; set; }

    /// <summary>Register recurring jobs and run a Hangfire server in this instance. <value>The default is true.</value></summary>
    public bool RunScheduler { get; set; } = true;
}

[OptionsValidator]
public sealed partial class CollectorOptionsValidator : IValidateOptions<CollectorOptions>;
