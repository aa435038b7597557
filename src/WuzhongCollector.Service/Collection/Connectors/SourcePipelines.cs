using System.Collections.Concurrent;
using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>What a 2xx body looked like, judged inside the attempt so a cut-off body can be retried.</summary>
public enum BodyShape
{
    NotChecked,
    Json,
    /// <summary>A valid beginning of JSON that stops early: the connection dropped mid-body.</summary>
    Truncated,
    Html,
    NotJson,
}

/// <summary>One HTTP exchange, body included, so a truncated or dripping body counts against the attempt.</summary>
public sealed record HttpAttempt(HttpStatusCode Status, string? ContentType, byte[] Body, TimeSpan? RetryAfter, string Url, BodyShape Shape)
{
    public bool IsTransient =>
        (int)Status >= 500 || Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Accepted || Shape == BodyShape.Truncated;
}

/// <summary>
/// A Polly pipeline per source, kept across runs so the circuit breaker remembers: total timeout, then
/// retries with exponential backoff and jitter honouring Retry-After up to a cap, then a circuit breaker
/// tuned for sources polled hourly or daily, then the host's rate limit, then the attempt timeout.
/// </summary>
public sealed class SourcePipelines(TimeProvider timeProvider, HostRateLimits rateLimits)
{
    public static readonly ResiliencePropertyKey<RunLog> RunLogKey = new("wuzhong.runlog");

    /// <summary>The host:port a call goes to, for its rate limit.</summary>
    public static readonly ResiliencePropertyKey<string> HostKey = new("wuzhong.host");

    private readonly ConcurrentDictionary<string, Entry> pipelines = new(StringComparer.Ordinal);

    public ResiliencePipeline<HttpAttempt> For(SourceDefinition source) =>
        pipelines.AddOrUpdate(
            source.Id,
            _ => Build(source),
            (_, existing) => existing.ConfigHash == source.ConfigHash ? existing : Build(source)).Pipeline;

    public CircuitState? CircuitState(string sourceId) => pipelines.TryGetValue(sourceId, out var entry) ? entry.State.CircuitState : null;

    public IReadOnlyDictionary<string, CircuitState> CircuitStates() =>
        pipelines.ToDictionary(p => p.Key, p => p.Value.State.CircuitState, StringComparer.Ordinal);

    private Entry Build(SourceDefinition source)
    {
        var budget = source.Http?.Resilience ?? Resilience.Default;
        var state = new CircuitBreakerStateProvider();
        var builder = new ResiliencePipelineBuilder<HttpAttempt> { Name = "source", InstanceName = source.Id, TimeProvider = timeProvider }
            .AddTimeout(budget.TotalTimeout);
        if (budget.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpAttempt>
            {
                MaxRetryAttempts = budget.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = budget.BaseDelay,
                MaxDelay = budget.MaxRetryAfter,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, budget)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter
                    ?? (args.Outcome.Exception as RateLimiterRejectedException)?.RetryAfter),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(RunLogKey, out var log))
                    {
                        log.Retry($"attempt {args.AttemptNumber + 1} failed ({Describe(args.Outcome)}); retrying in {args.RetryDelay.TotalSeconds:0.#} s");
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpAttempt>
        {
            // The default minimum of 100 calls in 30 s never trips for a source polled hourly or daily.
            // Here one run whose every attempt failed trips it, and it stays open across Hangfire's retries
            // (breakSeconds), so a source that is down gets 1 + maxRetries calls per occurrence. A ratio of 1
            // means any success in the window keeps it closed: a flaky host still gets its retries.
            FailureRatio = 1.0,
            MinimumThroughput = Math.Max(2, budget.MaxRetries + 1),
            SamplingDuration = budget.TotalTimeout + budget.TotalTimeout,
            BreakDuration = budget.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            StateProvider = state,
        });
        builder.AddRateLimiter(new RateLimiterStrategyOptions
        {
            RateLimiter = args => rateLimits.AcquireAsync(args.Context.Properties.GetValue(HostKey, string.Empty), args.Context.CancellationToken),
        });
        builder.AddTimeout(budget.AttemptTimeout);
        return new Entry(source.ConfigHash, builder.Build(), state);
    }

    /// <summary>A Retry-After beyond the cap is not waited for in-process: the run fails and the host cools down.</summary>
    private static bool ShouldRetry(Outcome<HttpAttempt> outcome, Resilience budget) =>
        IsTransient(outcome) && !(outcome.Result?.RetryAfter > budget.MaxRetryAfter);

    public static bool IsTransient(Outcome<HttpAttempt> outcome) => outcome.Exception switch
    {
        null => outcome.Result!.IsTransient,
        HttpRequestException or TimeoutRejectedException or IOException or RateLimiterRejectedException => true,
        _ => false,
    };

    public static string Describe(Outcome<HttpAttempt> outcome) => outcome.Exception switch
    {
        null when outcome.Result!.Shape == BodyShape.Truncated => $"HTTP {(int)outcome.Result.Status} with a truncated body",
        null => $"HTTP {(int)outcome.Result!.Status}",
        TimeoutRejectedException => "attempt timed out",
        { } ex => $"{ex.GetType().Name}: {ex.Message}",
    };

    private sealed record Entry(string ConfigHash, ResiliencePipeline<HttpAttempt> Pipeline, CircuitBreakerStateProvider State);
}
