using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Demo;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>A JSON endpoint: one request through the source's Polly pipeline, records found by a path.</summary>
public sealed class HttpJsonConnector(
    IHttpClientFactory httpClientFactory,
    SourcePipelines pipelines,
    SelfAddress self,
    TimeProvider timeProvider,
    IOptions<CollectorOptions> options) : ISourceConnector
{
    public const string ClientName = "sources";

    public SourceKind Kind => SourceKind.HttpJson;

    public async Task<FetchedPayload> FetchAsync(SourceDefinition source, RunLog log, CancellationToken cancellationToken)
    {
        var http = source.Http!;
        var url = self.Expand(http.Url);
        var origin = SafeOrigin(url);
        log.Step($"GET {origin}");
        var attempt = await SendAsync(source, url, log, cancellationToken);
        var content = attempt.Body;
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        log.Step($"received {content.Length} bytes after {log.Calls} call(s)");
        return new FetchedPayload(origin, sha, content.Length, content, null);
    }

    public IEnumerable<RawRecord> Read(SourceDefinition source, FetchedPayload payload, CancellationToken cancellationToken)
    {
        using var document = JsonRecordReader.Parse(payload.Content, payload.Origin);
        return JsonRecordReader.Read(document.RootElement, source.Http!.RecordsPath, payload.Origin).ToList();
    }

    private async Task<HttpAttempt> SendAsync(SourceDefinition source, string url, RunLog log, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.For(source);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SourcePipelines.RunLogKey, log);
        HttpAttempt result;
        try
        {
            result = await pipeline.ExecuteAsync(
                static async (ctx, state) => await state.connector.AttemptAsync(state.source, state.url, state.log, ctx.CancellationToken),
                context,
                (connector: this, source, url, log));
        }
        catch (BrokenCircuitException ex)
        {
            throw new TransientSourceException($"{source.Id}: circuit open after repeated failures; no call made ({ex.Message})", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TransientSourceException($"{source.Id}: no answer within the budget after {log.Calls} call(s) ({ex.Timeout.TotalSeconds:0.#} s)", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new TransientSourceException($"{source.Id}: {ex.Message} after {log.Calls} call(s)", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return Classify(source, result, log);
    }

    private async Task<HttpAttempt> AttemptAsync(SourceDefinition source, string url, RunLog log, CancellationToken cancellationToken)
    {
        var http = source.Http!;
        log.CountCall();
        // Secrets are substituted here, at call time only, so they never reach the run log, origin or errors.
        using var request = new HttpRequestMessage(new HttpMethod(http.Method), SecretReferences.Expand(url, Environment.GetEnvironmentVariable));
        foreach (var (name, value) in http.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, SecretReferences.Expand(value, Environment.GetEnvironmentVariable));
        }

        if (http.Body is not null)
        {
            request.Content = new StringContent(SecretReferences.Expand(http.Body, Environment.GetEnvironmentVariable), Encoding.UTF8, "application/json");
        }

        var client = httpClientFactory.CreateClient(ClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await ReadLimitedAsync(response.Content, options.Value.MaxResponseBytes, source.Id, cancellationToken);
        return new HttpAttempt(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, RetryAfter(response.Headers.RetryAfter));
    }

    private static HttpAttempt Classify(SourceDefinition source, HttpAttempt result, RunLog log)
    {
        var status = (int)result.Status;
        if (result.IsTransientStatus)
        {
            var wait = result.RetryAfter is { } ra ? $", Retry-After {ra.TotalSeconds:0} s" : string.Empty;
            throw new TransientSourceException($"{source.Id}: HTTP {status}{wait} after {log.Calls} call(s)");
        }

        if (result.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new PermanentSourceException($"{source.Id}: HTTP {status}: authentication or permission refused");
        }

        if (status >= 400)
        {
            throw new PermanentSourceException($"{source.Id}: HTTP {status}");
        }

        if (LooksLikeHtml(result))
        {
            throw new PermanentSourceException($"{source.Id}: the endpoint sent an HTML page (content type '{result.ContentType}') instead of JSON");
        }

        return result;
    }

    private static bool LooksLikeHtml(HttpAttempt result)
    {
        if (result.ContentType is "text/html" or "application/xhtml+xml")
        {
            return true;
        }

        var start = Encoding.UTF8.GetString(result.Body, 0, Math.Min(result.Body.Length, 256)).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        return start.StartsWith('<');
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, long limit, string sourceId, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new PermanentSourceException($"{sourceId}: the body is {content.Headers.ContentLength} bytes, over the {limit}-byte limit");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new PermanentSourceException($"{sourceId}: the body is over the {limit}-byte limit");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The URL without its query string, which is where portals put keys and signatures.</summary>
    public static string SafeOrigin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : url.Split('?')[0];
}
