using WuzhongCollector.Core.OpenData;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// How to call an HTTP source. <see cref="Url"/>, <see cref="Query"/>, <see cref="Headers"/>, <see cref="Body"/>
/// and <see cref="Form"/> are templates: <c>{page}</c>, <c>{size}</c>, <c>{offset}</c>, <c>{limit}</c>,
/// <c>{now:yyyy}</c>, <c>{timestamp}</c>, <c>{nonce}</c>, <c>{self}</c> and <c>{secret:NAME}</c> are filled in
/// at call time (see <see cref="OpenData.RequestPlanner"/>).
/// </summary>
public sealed record HttpSettings(
    string Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    string RecordsPath,
    Resilience Resilience)
{
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    /// <summary>Form fields, sent as <c>application/x-www-form-urlencoded</c>; exclusive with <see cref="Body"/>.</summary>
    public IReadOnlyDictionary<string, string>? Form { get; init; }

    /// <summary>Content type of <see cref="Body"/>. <value>The default is application/json.</value></summary>
    public string ContentType { get; init; } = "application/json";

    public HttpAuth? Auth { get; init; }

    public Paging? Paging { get; init; }

    /// <summary>What a successful answer looks like, e.g. <c>code == "000000"</c>; null accepts any JSON.</summary>
    public EnvelopeRule? Success { get; init; }

    /// <summary>
    /// What an answer meaning "no data for this query" looks like (NBS easyquery's <c>returncode == 501</c>, SIPOP's
    /// <c>code == "1100"</c>): checked before <see cref="Success"/>; such an answer gives an empty run, not a failure.
    /// </summary>
    public EnvelopeRule? Empty { get; init; }

    /// <summary>Where the envelope says what went wrong, tried in order.</summary>
    public IReadOnlyList<string> MessagePaths { get; init; } = EnvelopeRule.DefaultMessagePaths;

    /// <summary>Every <c>{secret:NAME}</c> the settings use, with where it is written, for errors that never show a value.</summary>
    public IReadOnlyList<SecretUse> Secrets { get; init; } = [];
}

/// <summary>A secret reference in a source file: the name and where it is, never the value.</summary>
public sealed record SecretUse(string Name, string File, int Line, string Field)
{
    public ConfigError Missing() =>
        new(File, Line, Field, $"secret '{Name}' is not set: set the environment variable {SecretReferences.EnvironmentVariable(Name)}");
}

/// <summary>How a source proves who is calling. Values may hold <c>{secret:NAME}</c>.</summary>
public abstract record HttpAuth;

/// <summary>A fixed token in a header, as Shanghai's portal (<c>token</c>) or Socrata (<c>X-App-Token</c>) want.</summary>
public sealed record TokenAuth(string Header, string Token) : HttpAuth;

/// <summary>
/// appKey + timestamp + sign, as SIPOP's gateway wants: <c>sign = md5(timestamp + param + appSecret)</c> by
/// default. The three fields go into the form when the request has one, else into the query.
/// </summary>
public sealed record AppSignAuth(
    string AppKey,
    string AppSecret,
    string SignTemplate,
    string Algorithm,
    string TimestampFormat,
    string AppKeyField,
    string TimestampField,
    string SignField) : HttpAuth
{
    public const string SipopSignTemplate = "{timestamp}{form:param}{appSecret}";
    public const string SipopTimestampFormat = "yyyy-MM-dd HH:mm:ss";
}

/// <summary>
/// Shandong's gateway: headers X-Client-Id, X-Timestamp (ms), X-Nonce and
/// X-Signature = Base64(HMAC-SHA256(ClientId + Timestamp + Nonce, secret)).
/// </summary>
public sealed record HmacAuth(string ClientId, string Secret) : HttpAuth;

public enum PagingMode
{
    /// <summary><c>{page}</c> counts pages from <see cref="Paging.Start"/>.</summary>
    Page,
    /// <summary><c>{offset}</c> counts records from <see cref="Paging.Start"/>.</summary>
    Offset,
    /// <summary>Each answer names the next URL at <see cref="Paging.NextPath"/>.</summary>
    Next,
}

/// <summary>
/// Paging stops on an empty page, on a short page when no total is known, when the total is reached, or
/// when there is no next link. More pages than <see cref="MaxPages"/> fail the run rather than loop.
/// </summary>
public sealed record Paging(PagingMode Mode, int Size, int Start, string? TotalPath, string? NextPath, int MaxPages)
{
    public const int DefaultSize = 100;
    public const int DefaultMaxPages = 100;
}

/// <summary>Per-source budget for one occurrence: Polly owns these; Hangfire retries the whole run a few times.</summary>
public sealed record Resilience(
    TimeSpan AttemptTimeout,
    TimeSpan TotalTimeout,
    int MaxRetries,
    TimeSpan BaseDelay,
    TimeSpan MaxRetryAfter,
    TimeSpan BreakDuration)
{
    /// <summary>The break outlasts Hangfire's default retries (30 + 120 + 600 s), so they make no call to a source that is down.</summary>
    public static readonly Resilience Default = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), 3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15));
}
