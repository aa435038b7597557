using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Web;

/// <summary>
/// What readers may take, section <c>Readers</c>, so that collection is never starved: the API reads through a
/// connection pool of its own (<see cref="Connections"/>), the dashboard through another, and each kind of
/// request runs at most so many at a time, a few more waiting; beyond that the answer is 503 with Retry-After.
/// The worker's pool is untouched by readers.
/// </summary>
public sealed class ReaderOptions
{
    public const string SectionName = "Readers";

    /// <summary>Size of the API's connection pool. <value>The default is 16.</value></summary>
    [Range(2, 1000)]
    public int Connections { get; set; } = 16;

    /// <summary>API requests (other than exports) answered at once. <value>The default is 12.</value></summary>
    [Range(1, 1000)]
    public int ApiConcurrency { get; set; } = 12;

    /// <summary>API requests waiting for a turn; more get 503. <value>The default is 100.</value></summary>
    [Range(0, 100_000)]
    public int ApiQueue { get; set; } = 100;

    /// <summary>CSV and Excel exports (/api/export) built at once; each holds a whole report in memory. <value>The default is 2.</value></summary>
    [Range(1, 100)]
    public int ExportConcurrency { get; set; } = 2;

    /// <summary>Exports waiting for a turn; more get 503. <value>The default is 4.</value></summary>
    [Range(0, 10_000)]
    public int ExportQueue { get; set; } = 4;

    /// <summary>Dashboard requests answered at once. <value>The default is 4.</value></summary>
    [Range(1, 100)]
    public int DashboardConcurrency { get; set; } = 4;

    /// <summary>Dashboard requests waiting for a turn; more get 503. <value>The default is 20.</value></summary>
    [Range(0, 10_000)]
    public int DashboardQueue { get; set; } = 20;

    /// <summary>Size of the dashboard's own connection pool, apart from the Hangfire server's. <value>The default is 8.</value></summary>
    [Range(1, 1000)]
    public int DashboardConnections { get; set; } = 8;
}

public sealed class ReaderOptionsValidator : IValidateOptions<ReaderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReaderOptions options)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        var messages = errors.Select(e => $"Readers: {e.ErrorMessage}").ToList();
        // One more connection for the freshness refresher, which reads through the same pool.
        if (options.ApiConcurrency + options.ExportConcurrency + 1 > options.Connections)
        {
            messages.Add($"Readers: ApiConcurrency + ExportConcurrency + 1 ({options.ApiConcurrency + options.ExportConcurrency + 1}) must not exceed Connections ({options.Connections})");
        }

        if (options.DashboardConcurrency > options.DashboardConnections)
        {
            messages.Add($"Readers: DashboardConcurrency ({options.DashboardConcurrency}) must not exceed DashboardConnections ({options.DashboardConnections})");
        }

        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }
}

public static class ReaderLimits
{
    /// <summary>The key of the readers' <see cref="Npgsql.NpgsqlDataSource"/>: <c>[FromKeyedServices(ReaderLimits.DataSource)]</c>.</summary>
    public const string DataSource = "readers";

    public static IServiceCollection AddReaderLimits(this IServiceCollection services, ReaderOptions options)
    {
        services.AddOptions<ReaderOptions>().BindConfiguration(ReaderOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReaderOptions>, ReaderOptionsValidator>();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => KindOf(context.Request.Path) switch
            {
                "export" => Concurrency("export", options.ExportConcurrency, options.ExportQueue),
                "dashboard" => Concurrency("dashboard", options.DashboardConcurrency, options.DashboardQueue),
                "api" => Concurrency("api", options.ApiConcurrency, options.ApiQueue),
                // Health, metrics, the plan page's files: cheap, and ops need them most when the service is busy.
                _ => RateLimitPartition.GetNoLimiter("other"),
            });
            limiter.OnRejected = (context, _) => new ValueTask(ApiErrors.WriteAsync(context.HttpContext, StatusCodes.Status503ServiceUnavailable, "Service busy",
                $"too many {KindOf(context.HttpContext.Request.Path)} requests at once; try again shortly", ApiErrors.RetryAfterSeconds));
        });
        return services;
    }

    private static string? KindOf(PathString path) =>
        path.StartsWithSegments("/api/export") ? "export"
        : path.StartsWithSegments("/hangfire") ? "dashboard"
        : path.StartsWithSegments("/api") ? "api"
        : null;

    private static RateLimitPartition<string> Concurrency(string kind, int permits, int queue) =>
        RateLimitPartition.GetConcurrencyLimiter(kind, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = permits,
            QueueLimit = queue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
}
