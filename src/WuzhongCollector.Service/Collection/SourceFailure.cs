namespace WuzhongCollector.Service.Collection;

/// <summary>
/// Never retried: HTML instead of JSON, auth errors, a failed envelope rule, a schema mismatch, an
/// unreadable file. Hangfire's AutomaticRetry excludes this type, so the run fails at once, visibly.
/// Do not rename: the retry filter names it.
/// </summary>
public sealed class PermanentSourceException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Which failure, for run.failure_class: html, not-json, auth, client-error, envelope, schema, too-large, …</summary>
    public string FailureClass { get; init; } = "permanent";
}

/// <summary>Worth another try later: 5xx, 408, 429, timeouts, lost connections, a database blip.</summary>
public sealed class TransientSourceException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Which failure, for run.failure_class: server-error, rate-limited, timeout, connection, circuit-open, …</summary>
    public string FailureClass { get; init; } = "transient";
}
