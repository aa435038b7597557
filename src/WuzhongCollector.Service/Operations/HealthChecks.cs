using System.Text.Json;
using Dapper;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Operations;

/// <summary>The database answers a query.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy("reachable");
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy($"unreachable: {ex.Message}");
        }
    }
}

/// <summary>This instance's Hangfire server is registered and sent a heartbeat recently.</summary>
public sealed class SchedulerHealthCheck(JobStorage storage, IOptions<CollectorOptions> options, TimeProvider timeProvider) : IHealthCheck
{
    private static readonly TimeSpan MaxHeartbeatAge = TimeSpan.FromMinutes(1);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.RunScheduler)
        {
            return Task.FromResult(HealthCheckResult.Healthy("this instance does not run the scheduler (Collector:RunScheduler is off)"));
        }

        // Hangfire names a server "<name>:<process id>:<guid>".
        var marker = $":{Environment.ProcessId}:";
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var server = storage.GetMonitoringApi().Servers().FirstOrDefault(s => s.Name.Contains(marker, StringComparison.Ordinal) && s.Heartbeat is { } beat && now - beat < MaxHeartbeatAge);
        return Task.FromResult(server is null
            ? HealthCheckResult.Unhealthy("no Hangfire server of this process has sent a heartbeat in the last minute")
            : HealthCheckResult.Healthy($"running: {server.WorkersCount} workers, heartbeat {server.Heartbeat:O}"));
    }
}

/// <summary>Degraded while a source file has errors: its last valid version (if any) still runs.</summary>
public sealed class ConfigHealthCheck(SourceRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(registry.Errors.Count == 0
            ? HealthCheckResult.Healthy($"{registry.Sources.Count} sources, no errors")
            : HealthCheckResult.Degraded($"{registry.Errors.Count} error(s) in config/sources; see /api/config/errors"));
}

public static class HealthResponse
{
    /// <summary>JSON: overall status and each check's status and description.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
