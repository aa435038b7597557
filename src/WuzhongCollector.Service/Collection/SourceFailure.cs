using WuzhongCollector.Core.Sources;

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

/// <summary>
/// An exception's whole text (type, message, stack, inner exceptions) with every secret taken out. It stands in for
/// the original wherever the text would be stored or shown: Hangfire keeps a failed job's exception and shows it
/// on the dashboard.
/// </summary>
public sealed class RedactedException(string details) : Exception(details)
{
    /// <summary>
    /// <paramref name="ex"/> itself when its text holds no secret; otherwise an exception of the same kind (so
    /// retries still tell permanent from transient) whose message is redacted and whose inner exception is the
    /// original's redacted text.
    /// </summary>
    public static Exception Of(Exception ex, SecretRedactor redactor)
    {
        var text = ex.ToString();
        var redacted = redactor.Redact(text);
        if (redacted == text)
        {
            return ex;
        }

        var inner = new RedactedException(redacted);
        return ex switch
        {
            PermanentSourceException p => new PermanentSourceException(redactor.Redact(p.Message), inner) { FailureClass = p.FailureClass },
            TransientSourceException t => new TransientSourceException(redactor.Redact(t.Message), inner) { FailureClass = t.FailureClass },
            _ => inner,
        };
    }
}
