using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using static WuzhongCollector.Service.Tests.Infrastructure.Faults;

namespace WuzhongCollector.Service.Tests.Collection.Connectors;

/// <summary>
/// Calls per occurrence across Hangfire's retries, counted at the loopback server: Polly's retries, the
/// circuit breaker and Hangfire's transient-only retry never multiply into a storm.
/// </summary>
public sealed class CallBudgetTests
{
    private static async Task<string> EnqueueAsync(HttpSourceHarness harness) =>
        await Task.FromResult(harness.Host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<CollectSourceJob>(job => job.RunAsync("src", CancellationToken.None)));

    private static async Task UntilStateAsync(HttpSourceHarness harness, string jobId, string state)
    {
        try
        {
            await Poll.UntilAsync(() => Task.FromResult(State(harness, jobId) == state), $"job {jobId} to be {state}");
        }
        catch (TimeoutException ex)
        {
            var runs = await harness.RunsAsync();
            throw new TimeoutException($"{ex.Message}; it is {State(harness, jobId)} after {harness.Server.Calls} call(s) and runs "
                + string.Join(" | ", runs.Select(r => $"{r.Attempt} {r.Outcome} {r.FailureClass} {r.Calls} {r.Error}")), ex);
        }
    }

    private static string? State(HttpSourceHarness harness, string jobId)
    {
        using var connection = harness.Host.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    [Fact]
    public async Task HangfireRetries_SourceDownForHours_MakeNoMoreCallsThanOneRunAllows()
    {
        // maxRetries 2: one run may make 3 calls; Hangfire retries three times, a second apart (tests' RetryDelaysSeconds).
        await using var harness = await HttpSourceHarness.StartAsync(Script(Status(503)));

        var firstOccurrence = await EnqueueAsync(harness);
        await UntilStateAsync(harness, firstOccurrence, "Failed");
        var callsInFirstOccurrence = harness.Server.Calls;
        var firstRuns = await harness.RunsAsync();

        // Hours later the breaker lets one probe through; it fails, and the breaker closes the door again.
        harness.Time.Advance(TimeSpan.FromHours(3));
        var laterOccurrence = await EnqueueAsync(harness);
        await UntilStateAsync(harness, laterOccurrence, "Failed");
        var laterRuns = (await harness.RunsAsync()).Skip(firstRuns.Count).ToList();

        Assert.Equal(3, callsInFirstOccurrence);
        Assert.Equal(
            [(1, "failed-transient", "server-error", 3), (2, "failed-transient", "circuit-open", 0), (3, "failed-transient", "circuit-open", 0), (4, "failed-transient", "circuit-open", 0)],
            firstRuns.Select(r => (r.Attempt, r.Outcome, r.FailureClass, r.Calls)));
        Assert.Equal(
            [(1, "failed-transient", "circuit-open", 1), (2, "failed-transient", "circuit-open", 0), (3, "failed-transient", "circuit-open", 0), (4, "failed-transient", "circuit-open", 0)],
            laterRuns.Select(r => (r.Attempt, r.Outcome, r.FailureClass, r.Calls)));
        Assert.Equal(4, harness.Server.Calls);
        Assert.Equal(new Stored("", 0, 0), await harness.StoredAsync());
    }

    [Fact]
    public async Task HangfireRetries_PermanentFailure_RunsOnceWithOneCall()
    {
        await using var harness = await HttpSourceHarness.StartAsync(Script(Html));

        var job = await EnqueueAsync(harness);
        await UntilStateAsync(harness, job, "Failed");

        var run = Assert.Single(await harness.RunsAsync());
        Assert.Equal((1, "failed-permanent", "html", 1), (run.Attempt, run.Outcome, run.FailureClass, run.Calls));
        Assert.Equal(1, harness.Server.Calls);
    }

    [Fact]
    public async Task HangfireRetries_TransientFailure_RecoversOnHangfiresRetry()
    {
        // maxRetries 0: the run's one call fails; Hangfire's retry a second later succeeds.
        await using var harness = await HttpSourceHarness.StartAsync(Script(Status(500), Ok(HttpSourceHarness.Seed)),
            resilience: "{ attemptTimeoutSeconds: 5, totalTimeoutSeconds: 60, maxRetries: 0, baseDelaySeconds: 0, breakSeconds: 900 }");

        var job = await EnqueueAsync(harness);
        await UntilStateAsync(harness, job, "Succeeded");

        Assert.Equal([(1, "failed-transient", 1), (2, "succeeded", 1)], (await harness.RunsAsync()).Select(r => (r.Attempt, r.Outcome, r.Calls)));
        Assert.Equal(2, harness.Server.Calls);
        Assert.Equal("BASE_STATIONS_5G 320506 2021 v1 = 3120; BASE_STATIONS_5G 320506 2022 v1 = 4215", (await harness.StoredAsync()).Observations);
    }
}
