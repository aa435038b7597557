using System.Collections.Concurrent;

namespace WuzhongCollector.Service.Collection;

/// <summary>What one run did, step by step, for the run record and the dashboard. Holds no secrets.</summary>
public sealed class RunLog
{
    private int calls;

    public int Calls => calls;

    public ConcurrentQueue<string> Retries { get; } = new();

    public ConcurrentQueue<string> Steps { get; } = new();

    /// <summary>What the run fetched, so a failure can still settle it (a drop-folder file goes to failed/).</summary>
    public Connectors.FetchedPayload? Payload { get; set; }

    public void CountCall() => Interlocked.Increment(ref calls);

    public void Retry(string reason) => Retries.Enqueue(reason);

    public void Step(string message) => Steps.Enqueue(message);
}
