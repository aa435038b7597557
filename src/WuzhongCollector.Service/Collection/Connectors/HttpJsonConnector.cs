using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Demo;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>
/// Every HTTP kind (http-json, nbs, nbs-easyquery, ckan, sdmx-json, json-stat, soda): pages of requests through
/// the source's Polly pipeline, each answer checked (status, HTML, JSON, envelope rule) before anything is
/// stored, then decoded by kind into raw records. One instance per kind, because jobs pick connectors by kind.
/// </summary>
public sealed class HttpJsonConnector(
    SourceKind kind,
    IHttpClientFactory httpClientFactory,
    SourcePipelines pipelines,
    RetryAfterCooldowns cooldowns,
    SelfAddress self,
    TimeProvider timeProvider,
    IOptions<CollectorOptions> options) : ISourceConnector
{
    public const string ClientName = "sources";

    /// <summary>Redirects are followed here, not by the handler, which would send a source's token headers to any host a redirect names.</summary>
    private const int MaxRedirects = 5;

    public SourceKind Kind => kind;

    public async Task<FetchedPayload> FetchAsync(SourceDefinition source, RunLog log, CancellationToken cancellationToken)
    {
        var http = source.Http!;
        var origin = RequestPlanner.Origin(http, self.BaseUrl);
        var host = Uri.TryCreate(origin, UriKind.Absolute, out var uri) ? uri.Authority : origin;
        if (cooldowns.Until(host) is { } until)
        {
            throw new TransientSourceException($"{source.Id}: {host} asked to wait until {until:u} (Retry-After); no call made") { FailureClass = "rate-limited" };
        }

        log.Step($"{http.Method} {origin}");
        var pages = new List<PageBody>();
        var page = PageRequest.First(http.Paging);
        long bytes = 0;
        var recordsSoFar = 0;
        while (true)
        {
            var answer = await SendAsync(source, page, host, log, cancellationToken);
            if (answer is null)
            {
                log.Step("HTTP 404: no results (SDMX answers an empty result so)");
                pages.Add(new PageBody(404, null));
                break;
            }

            bytes += answer.Body.Length;
            if (bytes > options.Value.MaxResponseBytes)
            {
                throw new PermanentSourceException($"{source.Id}: {pages.Count + 1} pages hold more than the {options.Value.MaxResponseBytes}-byte limit (Collector:MaxResponseBytes)") { FailureClass = "too-large" };
            }

            var body = HttpBodies.WithoutBom(answer.Body).ToArray();
            using var document = JsonRecordReader.Parse(body, origin);
            if (OpenDataReader.IsEmpty(http, document.RootElement, origin, out var emptyMessage))
            {
                // The answer says the query has no data (NBS's returncode 501): kept, read as no records, and no more pages.
                log.Step($"the answer says there is no data ('{http.Empty}'): {emptyMessage}");
                pages.Add(new PageBody(200, body));
                break;
            }

            CheckEnvelope(source, document.RootElement, origin, log);
            pages.Add(new PageBody(200, body));
            if (http.Paging is not { } paging)
            {
                break;
            }

            var records = Decode(source, document.RootElement, origin).Count;
            recordsSoFar += records;
            var step = PageCursor.After(paging, page, answer.Url, records, recordsSoFar, Total(document.RootElement, paging, origin), Next(document.RootElement, paging, origin));
            if (step.Failure is { } failure)
            {
                throw new PermanentSourceException($"{source.Id}: {failure}") { FailureClass = "paging" };
            }

            log.Step(step.Reason);
            if (step.Next is null)
            {
                break;
            }

            page = step.Next;
        }

        var content = PagedPayload.Pack(pages);
        log.Step($"received {bytes} bytes in {pages.Count} page(s) after {log.Calls} call(s)");
        return new FetchedPayload(origin, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, content, null);
    }

    /// <summary>
    /// A saved answer (one page as the endpoint sent it, or a run's archive of its pages) taken as a fetch
    /// would have received it: within the size limit, BOM removed, JSON, the envelope rule met on every page.
    /// </summary>
    public FetchedPayload Saved(SourceDefinition source, string path, string origin, RunLog log)
    {
        log.Step($"saved answer {origin}");
        var size = new FileInfo(path).Length;
        if (size > options.Value.MaxResponseBytes)
        {
            throw new PermanentSourceException($"{source.Id}: {origin} is {size} bytes, over the {options.Value.MaxResponseBytes}-byte limit (Collector:MaxResponseBytes)") { FailureClass = "too-large" };
        }

        var body = HttpBodies.WithoutBom(File.ReadAllBytes(path)).ToArray();
        using var document = JsonRecordReader.Parse(body, origin);
        foreach (var page in PagedPayload.Unpack(document.RootElement))
        {
            if (page is { } answer)
            {
                CheckEnvelope(source, answer, origin, log);
            }
        }

        return new FetchedPayload(origin, Convert.ToHexStringLower(SHA256.HashData(body)), body.Length, body, null);
    }

    public IEnumerable<RawRecord> Read(SourceDefinition source, FetchedPayload payload, CancellationToken cancellationToken)
    {
        using var document = JsonRecordReader.Parse(payload.Content ?? File.ReadAllBytes(payload.FilePath!), payload.Origin);
        try
        {
            return OpenDataReader.ReadPages(source.Kind, source.Http!, PagedPayload.Unpack(document.RootElement), payload.Origin).ToList();
        }
        catch (PayloadException ex)
        {
            throw new PermanentSourceException($"{source.Id}: {ex.Message}", ex) { FailureClass = ex.FailureClass };
        }
    }

    private IReadOnlyList<RawRecord> Decode(SourceDefinition source, JsonElement root, string origin)
    {
        try
        {
            return OpenDataReader.Read(source.Kind, source.Http!, root, origin);
        }
        catch (PayloadException ex)
        {
            throw new PermanentSourceException($"{source.Id}: {ex.Message}", ex) { FailureClass = ex.FailureClass };
        }
    }

    private static void CheckEnvelope(SourceDefinition source, JsonElement root, string origin, RunLog log)
    {
        var http = source.Http!;
        if (http.Success is not { } rule || rule.Check(root, origin) is not { } failed)
        {
            return;
        }

        var message = EnvelopeRule.Message(root, http.MessagePaths, origin);
        log.Step($"envelope rule '{rule}' failed: {failed}");
        throw new PermanentSourceException($"{source.Id}: the answer failed the success rule '{rule}' ({failed}){(message is null ? string.Empty : $": {message}")}") { FailureClass = "envelope" };
    }

    private static long? Total(JsonElement root, Paging paging, string origin) =>
        paging.TotalPath is { } path && JsonRecordReader.Select(root, path, origin) is { } found
        && long.TryParse(found.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;

    private static string? Next(JsonElement root, Paging paging, string origin) =>
        paging.NextPath is { } path && JsonRecordReader.Select(root, path, origin) is { ValueKind: JsonValueKind.String } found ? found.GetString() : null;

    /// <summary>One page through the pipeline; null when the answer means "no results" (SDMX's 404).</summary>
    private async Task<HttpAttempt?> SendAsync(SourceDefinition source, PageRequest page, string host, RunLog log, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.For(source);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SourcePipelines.RunLogKey, log);
        context.Properties.Set(SourcePipelines.HostKey, host);
        HttpAttempt result;
        try
        {
            result = await pipeline.ExecuteAsync(
                static async (ctx, state) => await state.connector.AttemptAsync(state.source, state.page, state.log, ctx.CancellationToken),
                context,
                (connector: this, source, page, log));
        }
        catch (BrokenCircuitException ex)
        {
            throw new TransientSourceException($"{source.Id}: circuit open after repeated failures; no call made ({ex.Message})", ex) { FailureClass = "circuit-open" };
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TransientSourceException($"{source.Id}: no answer within {ex.Timeout.TotalSeconds:0.#} s after {log.Calls} call(s)", ex) { FailureClass = "timeout" };
        }
        catch (RateLimiterRejectedException ex)
        {
            throw new TransientSourceException($"{source.Id}: too many calls queued for {host} after {log.Calls} call(s)", ex) { FailureClass = "rate-limited" };
        }
        catch (HttpIOException ex) when (ex.HttpRequestError == HttpRequestError.ResponseEnded)
        {
            throw new TransientSourceException($"{source.Id}: the answer ended before its body was complete after {log.Calls} call(s)", ex) { FailureClass = "truncated" };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new TransientSourceException($"{source.Id}: {ex.Message} after {log.Calls} call(s)", ex) { FailureClass = "connection" };
        }
        catch (ConfigException ex)
        {
            throw new PermanentSourceException($"{source.Id}: {ex.Message}", ex) { FailureClass = "config" };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return Classify(source, result, host, log);
    }

    private async Task<HttpAttempt> AttemptAsync(SourceDefinition source, PageRequest page, RunLog log, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var zone = TimeZones.TryResolve(source.Schedule.TimeZone, out var resolved) ? resolved : TimeZoneInfo.Utc;
        // Planned per attempt: signatures carry a fresh timestamp and nonce every time.
        var planned = RequestPlanner.Plan(source.Http!, page, new CallContext(
            TimeZoneInfo.ConvertTime(now, zone), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), self.BaseUrl, Environment.GetEnvironmentVariable));
        var client = httpClientFactory.CreateClient(ClientName);
        var (url, method, content) = (new Uri(planned.Url), planned.Method, planned.Content);
        for (var redirects = 0; ; redirects++)
        {
            if ((url.Scheme is "http" or "https" ? await self.RefusalAsync(url, cancellationToken) : $"{url.Scheme}:// URLs are not fetched; only http:// and https://") is { } refusal)
            {
                throw new PermanentSourceException($"{source.Id}: {refusal}; no call made") { FailureClass = "config" };
            }

            log.CountCall();
            using var request = Request(planned, url, method, content);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (Redirect(response) is not { } location)
            {
                var body = await HttpBodies.ReadLimitedAsync(response.Content, options.Value.MaxResponseBytes, source.Id, cancellationToken);
                var shape = response.IsSuccessStatusCode ? HttpBodies.Shape(body, response.Content.Headers.ContentType?.MediaType) : BodyShape.NotChecked;
                return new HttpAttempt(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, RetryAfter(response.Headers.RetryAfter), url.ToString(), shape);
            }

            var next = new Uri(url, location);
            var status = (int)response.StatusCode;
            if (!SameOrigin(url, next))
            {
                throw new PermanentSourceException(
                    $"{source.Id}: HTTP {status} redirects to {RequestPlanner.WithoutQuery(next.ToString())}, another host, scheme or port than {RequestPlanner.WithoutQuery(url.ToString())}; "
                    + "a source's credentials go to its own host only, so the redirect is not followed: set http.url to the new address if it is right")
                { FailureClass = "config" };
            }

            if (redirects == MaxRedirects)
            {
                throw new PermanentSourceException($"{source.Id}: more than {MaxRedirects} redirects, the last to {RequestPlanner.WithoutQuery(next.ToString())}") { FailureClass = "config" };
            }

            log.Step($"HTTP {status}: redirected to {RequestPlanner.WithoutQuery(next.ToString())}");
            // As browsers do: 303, and 301/302 after a POST, fetch the new address with GET; 307 and 308 repeat the request.
            if (status == 303 || (status is 301 or 302 && method == "POST"))
            {
                (method, content) = ("GET", null);
            }

            url = next;
        }
    }

    private static Uri? Redirect(HttpResponseMessage response) =>
        (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 ? response.Headers.Location : null;

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static HttpRequestMessage Request(PlannedRequest planned, Uri url, string method, byte[]? content)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        foreach (var (name, value) in planned.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (content is not null)
        {
            request.Content = new ByteArrayContent(content);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(planned.ContentType! + (planned.ContentType!.Contains("charset", StringComparison.OrdinalIgnoreCase) ? string.Empty : "; charset=utf-8"));
        }

        return request;
    }

    private HttpAttempt? Classify(SourceDefinition source, HttpAttempt result, string host, RunLog log)
    {
        var status = (int)result.Status;
        var budget = source.Http!.Resilience;
        if (result.RetryAfter is { } wait && wait > budget.MaxRetryAfter && result.IsTransient)
        {
            var until = cooldowns.Start(host, wait);
            throw new TransientSourceException(
                $"{source.Id}: HTTP {status} asks to wait {wait.TotalSeconds:0} s, more than this source may wait in a run ({budget.MaxRetryAfter.TotalSeconds:0} s); no call to {host} before {until:u}")
            { FailureClass = "rate-limited" };
        }

        if (result.IsTransient)
        {
            var (failureClass, what) = result switch
            {
                { Shape: BodyShape.Truncated } => ("truncated", "the body was cut off"),
                { Status: HttpStatusCode.TooManyRequests } => ("rate-limited", "too many requests"),
                { Status: HttpStatusCode.Accepted } => ("not-ready", "the answer is still being prepared"),
                { Status: HttpStatusCode.RequestTimeout } => ("request-timeout", "the server timed out"),
                _ => ("server-error", "server error"),
            };
            throw new TransientSourceException($"{source.Id}: HTTP {status} ({what}) after {log.Calls} call(s)") { FailureClass = failureClass };
        }

        if (result.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new PermanentSourceException($"{source.Id}: HTTP {status}: authentication or permission refused{MessageOf(source, result)}") { FailureClass = "auth" };
        }

        if (result.Status == HttpStatusCode.NotFound && source.Kind == SourceKind.SdmxJson)
        {
            return null;
        }

        if (status >= 400)
        {
            throw new PermanentSourceException($"{source.Id}: HTTP {status}{MessageOf(source, result)}") { FailureClass = "client-error" };
        }

        switch (result.Shape)
        {
            case BodyShape.Html:
                throw new PermanentSourceException($"{source.Id}: the endpoint sent an HTML page (content type '{result.ContentType}') instead of JSON") { FailureClass = "html" };
            case BodyShape.NotJson:
                throw new PermanentSourceException($"{source.Id}: the answer is not JSON (content type '{result.ContentType}', {result.Body.Length} bytes)") { FailureClass = "not-json" };
        }

        if (result.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            log.Step($"content type '{type}' but the body is JSON; read as JSON");
        }

        return result;
    }

    private static string MessageOf(SourceDefinition source, HttpAttempt result)
    {
        if (HttpBodies.Shape(result.Body, result.ContentType) != BodyShape.Json)
        {
            return string.Empty;
        }

        try
        {
            using var document = JsonRecordReader.Parse(HttpBodies.WithoutBom(result.Body).ToArray(), source.Id);
            return EnvelopeRule.Message(document.RootElement, source.Http!.MessagePaths, source.Id) is { } message ? $": {message}" : string.Empty;
        }
        catch (InvalidDataException)
        {
            return string.Empty;
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
