using Dapper;
using Hangfire;
using Npgsql;
using Polly.CircuitBreaker;
using Prometheus;
using WuzhongCollector.Service.Collection.Connectors;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Operations;

/// <summary>
/// The service's Prometheus metrics, in a registry of its own (several services in one test process stay
/// apart). Run counters are counted as runs finish; per-source gauges are read from the database, the
/// registry and Polly's circuit breakers at each scrape, so they are never stale.
/// </summary>
public sealed class CollectorMetrics
{
    private readonly SourceRegistry registry;
    private readonly SourcePipelines pipelines;
    private readonly NpgsqlDataSource dataSource;
    private readonly JobStorage storage;
    private readonly TimeProvider timeProvider;

    private readonly Counter runs;
    private readonly Counter rowsRead;
    private readonly Counter stored;
    private readonly Counter rejected;
    private readonly Counter missing;
    private readonly Counter skippedRecords;
    private readonly Counter retries;
    private readonly Counter alerts;
    private readonly Counter reloads;
    private readonly Gauge circuit;
    private readonly Gauge sinceSuccess;
    private readonly Gauge consecutiveFailures;
    private readonly Gauge paused;
    private readonly Gauge configErrors;
    private readonly Gauge jobs;
    private readonly Gauge queueLength;

    public CollectorMetrics(SourceRegistry registry, SourcePipelines pipelines, NpgsqlDataSource dataSource, JobStorage storage, TimeProvider timeProvider)
    {
        this.registry = registry;
        this.pipelines = pipelines;
        this.dataSource = dataSource;
        this.storage = storage;
        this.timeProvider = timeProvider;
        var metrics = Metrics.WithCustomRegistry(Registry);
        runs = metrics.CreateCounter("wuzhong_runs_total", "Runs finished by the scheduler, by source and outcome (succeeded, unchanged, partial, empty, failed-transient, failed-permanent, failed-unexpected, skipped).", "source", "outcome");
        rowsRead = metrics.CreateCounter("wuzhong_rows_read_total", "Records read from sources.", "source");
        stored = metrics.CreateCounter("wuzhong_observations_stored_total", "Observations stored as a new vintage.", "source");
        rejected = metrics.CreateCounter("wuzhong_rejects_total", "Records rejected with an error (see /api/runs/{id}/rejects).", "source");
        missing = metrics.CreateCounter("wuzhong_missing_values_total", "Records whose value was marked missing or below unit.", "source");
        skippedRecords = metrics.CreateCounter("wuzhong_skipped_records_total", "Records the source's mapping skipped on purpose (mapping.skip, unlisted: skip).", "source");
        retries = metrics.CreateCounter("wuzhong_http_retries_total", "HTTP calls Polly retried within runs.", "source");
        alerts = metrics.CreateCounter("wuzhong_source_failure_alerts_total", "Repeated-failure alerts: level warning, or paused when the source paused itself.", "source", "level");
        reloads = metrics.CreateCounter("wuzhong_config_reloads_total", "Reloads of config/sources, by result (ok, errors).", "result");
        circuit = metrics.CreateGauge("wuzhong_source_circuit_state", "Polly circuit breaker per HTTP source: 0 closed, 1 open, 2 half-open, 3 isolated.", "source");
        sinceSuccess = metrics.CreateGauge("wuzhong_source_seconds_since_success", "Staleness: seconds since the source's last successful run (absent if it never succeeded).", "source");
        consecutiveFailures = metrics.CreateGauge("wuzhong_source_consecutive_failures", "Failed runs since the last success or resume.", "source");
        paused = metrics.CreateGauge("wuzhong_source_paused", "1 if the source is paused (file, CLI, API or automatically).", "source");
        configErrors = metrics.CreateGauge("wuzhong_source_config_errors", "Errors in the source's file; its last valid version stays scheduled.", "source");
        jobs = metrics.CreateGauge("wuzhong_hangfire_jobs", "Hangfire jobs by state.", "state");
        queueLength = metrics.CreateGauge("wuzhong_job_queue_length", "Jobs enqueued and waiting for a worker.");
        Registry.AddBeforeCollectCallback(RefreshAsync);
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public void RunFinished(string sourceId, string outcome, RunRecord? run)
    {
        runs.WithLabels(sourceId, outcome).Inc();
        if (run is null)
        {
            return;
        }

        rowsRead.WithLabels(sourceId).Inc(run.RowsRead);
        stored.WithLabels(sourceId).Inc(run.Stored);
        rejected.WithLabels(sourceId).Inc(run.Rejected);
        missing.WithLabels(sourceId).Inc(run.Missing);
        skippedRecords.WithLabels(sourceId).Inc(run.Skipped);
        retries.WithLabels(sourceId).Inc(run.Retries.Length);
    }

    public void FailureAlert(string sourceId, string level) => alerts.WithLabels(sourceId, level).Inc();

    public void ConfigReloaded(bool succeeded) => reloads.WithLabels(succeeded ? "ok" : "errors").Inc();

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            var rows = (await connection.QueryAsync<(string Id, bool Paused, DateTime? LastSuccessAt, int Failures)>(new CommandDefinition(
                $"SELECT s.id, s.paused, st.last_success_at, {FailureAlerts.ConsecutiveFailuresSql} FROM source s LEFT JOIN source_state st ON st.source_id = s.id WHERE s.removed_at IS NULL",
                cancellationToken: cancellationToken))).ToList();
            Replace(paused, rows.Select(r => (r.Id, r.Paused ? 1.0 : 0.0)));
            Replace(consecutiveFailures, rows.Select(r => (r.Id, (double)r.Failures)));
            Replace(sinceSuccess, rows.Where(r => r.LastSuccessAt is not null)
                .Select(r => (r.Id, Math.Round((now - new DateTimeOffset(r.LastSuccessAt!.Value, TimeSpan.Zero)).TotalSeconds))));
        }

        Replace(circuit, pipelines.CircuitStates().Select(c => (c.Key, (double)(c.Value switch
        {
            CircuitState.Closed => 0,
            CircuitState.Open => 1,
            CircuitState.HalfOpen => 2,
            _ => 3,
        }))));
        Replace(configErrors, registry.Errors.GroupBy(e => SourceRegistry.SourceIdOf(e.File)).Select(g => (g.Key, (double)g.Count())));

        var statistics = storage.GetMonitoringApi().GetStatistics();
        queueLength.Set(statistics.Enqueued);
        jobs.WithLabels("enqueued").Set(statistics.Enqueued);
        jobs.WithLabels("scheduled").Set(statistics.Scheduled);
        jobs.WithLabels("processing").Set(statistics.Processing);
        jobs.WithLabels("failed").Set(statistics.Failed);
        jobs.WithLabels("retries").Set(statistics.Retries ?? 0);
    }

    /// <summary>Sets a per-source gauge and drops series of sources that are gone, so none lingers with an old value.</summary>
    private static void Replace(Gauge gauge, IEnumerable<(string Source, double Value)> values)
    {
        var current = values.ToDictionary(v => v.Source, v => v.Value, StringComparer.Ordinal);
        foreach (var labels in gauge.GetAllLabelValues().ToList().Where(l => !current.ContainsKey(l[0])))
        {
            gauge.RemoveLabelled(labels);
        }

        foreach (var (source, value) in current)
        {
            gauge.WithLabels(source).Set(value);
        }
    }
}
