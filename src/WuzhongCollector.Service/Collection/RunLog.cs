using System.Collections.Concurrent;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// What one run did, step by step, for the run record and the dashboard. Holds no secrets: steps and retry reasons
/// (which quote upstream answers and exception messages) pass through the redactor as they are added.
/// </summary>
public sealed class RunLog(SecretRedactor? redactor = null)
{
    private readonly SecretRedactor redactor = redactor ?? SecretRedactor.FromEnvironment();
    private int calls;

    /// <summary>The redactor of this run: every configured secret's value as the run began.</summary>
    public SecretRedactor Redactor => redactor;

    public int Calls => calls;

    public ConcurrentQueue<string> Retries { get; } = new();

    public ConcurrentQueue<string> Steps { get; } = new();

    /// <summary>What the run fetched, so a failure can still settle it (a drop-folder file goes to failed/).</summary>
    public Connectors.FetchedPayload? Payload { get; set; }

    public void CountCall() => Interlocked.Increment(ref calls);

    public void Retry(string reason) => Retries.Enqueue(redactor.Redact(reason));

    public void Step(string message) => Steps.Enqueue(redactor.Redact(message));
}
