using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.OpenData;

/// <summary>Which page to ask for: a page number, a record offset, or a next link the last answer gave.</summary>
public sealed record PageRequest(int Index, int Number, int Offset, int Size, string? NextUrl)
{
    public static PageRequest First(Paging? paging) => paging switch
    {
        null => new PageRequest(1, 1, 0, Paging.DefaultSize, null),
        { Mode: PagingMode.Offset } => new PageRequest(1, 1, paging.Start, paging.Size, null),
        _ => new PageRequest(1, paging.Start, 0, paging.Size, null),
    };
}

/// <summary>What a call needs from outside: the time in the source's zone, a fresh nonce, our own address, the environment.</summary>
public sealed record CallContext(DateTimeOffset Now, string Nonce, string? SelfBaseUrl, Func<string, string?> Environment);

/// <summary>A request ready to send. It holds expanded secrets: never log it, show only <see cref="Origin"/>.</summary>
public sealed record PlannedRequest(string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Content, string? ContentType)
{
    public string Origin => RequestPlanner.WithoutQuery(Url);
}

/// <summary>
/// Turns a source's HTTP settings into the request for one page: fills the templates, adds the query,
/// the body or form, and the authentication. Pure, so signatures can be checked against known values.
/// </summary>
public static partial class RequestPlanner
{
    private static readonly HashSet<string> RequestPlaceholders = new(StringComparer.Ordinal) { "page", "size", "offset", "limit", "timestamp", "nonce", "self" };

    private enum Escaping
    {
        None,
        Url,
        Json,
    }

    public static PlannedRequest Plan(HttpSettings http, PageRequest page, CallContext context)
    {
        var timestamp = context.Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        string Fill(string template, Escaping escaping) => Expand(template, escaping, http, page, context, timestamp);

        var url = page.NextUrl ?? AppendQuery(Fill(http.Url, Escaping.Url), http.Query.Select(q => KeyValuePair.Create(q.Key, Fill(q.Value, Escaping.None))));
        var headers = http.Headers.Select(h => KeyValuePair.Create(h.Key, Fill(h.Value, Escaping.None))).ToList();
        var form = http.Form?.Select(f => KeyValuePair.Create(f.Key, Fill(f.Value, Escaping.None))).ToList();
        var jsonBody = http.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase);
        var body = http.Body is null ? null : Fill(http.Body, jsonBody ? Escaping.Json : Escaping.None);

        switch (http.Auth)
        {
            case TokenAuth token:
                headers.Add(KeyValuePair.Create(token.Header, Fill(token.Token, Escaping.None)));
                break;
            case HmacAuth hmac:
                var clientId = Fill(hmac.ClientId, Escaping.None);
                headers.Add(KeyValuePair.Create("X-Client-Id", clientId));
                headers.Add(KeyValuePair.Create("X-Timestamp", timestamp));
                headers.Add(KeyValuePair.Create("X-Nonce", context.Nonce));
                headers.Add(KeyValuePair.Create("X-Signature", Signatures.HmacSha256Base64(Fill(hmac.Secret, Escaping.None), clientId + timestamp + context.Nonce)));
                break;
            case AppSignAuth sign:
                var appKey = Fill(sign.AppKey, Escaping.None);
                var appSecret = Fill(sign.AppSecret, Escaping.None);
                var signedAt = sign.TimestampFormat switch
                {
                    "unix-ms" => timestamp,
                    "unix" => context.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                    _ => context.Now.ToString(sign.TimestampFormat, CultureInfo.InvariantCulture),
                };
                var input = SignInput().Replace(sign.SignTemplate, m => m.Groups["name"].Value switch
                {
                    "timestamp" => signedAt,
                    "appKey" => appKey,
                    "appSecret" => appSecret,
                    "nonce" => context.Nonce,
                    "body" => body ?? string.Empty,
                    var name when name.StartsWith("form:", StringComparison.Ordinal) => form?.FirstOrDefault(f => f.Key == name[5..]).Value ?? string.Empty,
                    var name when name.StartsWith("query:", StringComparison.Ordinal) => http.Query.TryGetValue(name[6..], out var q) ? Fill(q, Escaping.None) : string.Empty,
                    _ => m.Value,
                });
                KeyValuePair<string, string>[] fields =
                [
                    KeyValuePair.Create(sign.AppKeyField, appKey),
                    KeyValuePair.Create(sign.TimestampField, signedAt),
                    KeyValuePair.Create(sign.SignField, Signatures.Digest(sign.Algorithm, input)),
                ];
                if (form is not null)
                {
                    form.AddRange(fields);
                }
                else
                {
                    url = AppendQuery(url, fields);
                }

                break;
        }

        if (form is not null)
        {
            var encoded = string.Join('&', form.Select(f => WebUtility.UrlEncode(f.Key) + "=" + WebUtility.UrlEncode(f.Value)));
            return new PlannedRequest(http.Method, url, headers, Encoding.UTF8.GetBytes(encoded), "application/x-www-form-urlencoded");
        }

        return new PlannedRequest(http.Method, url, headers, body is null ? null : Encoding.UTF8.GetBytes(body), body is null ? null : http.ContentType);
    }

    /// <summary>Names in <c>{…}</c> that are not placeholders, for the loader to report.</summary>
    public static IEnumerable<string> UnknownPlaceholders(string template, bool signTemplate = false) =>
        Placeholder().Matches(template).Select(m => m.Groups["name"].Value).Where(name => !IsKnown(name, signTemplate));

    public static bool Uses(string? template, string placeholder) =>
        template is not null && template.Contains("{" + placeholder + "}", StringComparison.Ordinal);

    public static string WithoutQuery(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : url.Split('?')[0];

    /// <summary>The URL as messages may show it: no query (where portals put keys) and no secret expanded.</summary>
    public static string Origin(HttpSettings http, string? selfBaseUrl) =>
        (selfBaseUrl is null ? http.Url : http.Url.Replace("{self}", selfBaseUrl.TrimEnd('/'), StringComparison.Ordinal)).Split('?', '#')[0];

    private static bool IsKnown(string name, bool signTemplate) =>
        RequestPlaceholders.Contains(name)
        || name.StartsWith("secret:", StringComparison.Ordinal)
        || name.StartsWith("now:", StringComparison.Ordinal)
        || (signTemplate && (name is "appKey" or "appSecret" or "body" || name.StartsWith("form:", StringComparison.Ordinal) || name.StartsWith("query:", StringComparison.Ordinal)));

    private static string Expand(string template, Escaping escaping, HttpSettings http, PageRequest page, CallContext context, string timestamp) =>
        Placeholder().Replace(template, m =>
        {
            var name = m.Groups["name"].Value;
            if (name == "self")
            {
                return context.SelfBaseUrl?.TrimEnd('/') ?? throw new InvalidOperationException("the service's own address is not known yet");
            }

            string? value = name switch
            {
                "page" => page.Number.ToString(CultureInfo.InvariantCulture),
                "size" or "limit" => page.Size.ToString(CultureInfo.InvariantCulture),
                "offset" => page.Offset.ToString(CultureInfo.InvariantCulture),
                "timestamp" => timestamp,
                "nonce" => context.Nonce,
                _ when name.StartsWith("now:", StringComparison.Ordinal) => context.Now.ToString(name[4..], CultureInfo.InvariantCulture),
                _ when name.StartsWith("secret:", StringComparison.Ordinal) => Secret(http, name[7..], context),
                _ => null,
            };
            return value is null ? m.Value : escaping switch
            {
                Escaping.Url => Uri.EscapeDataString(value),
                Escaping.Json => JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
                _ => value,
            };
        });

    private static string Secret(HttpSettings http, string name, CallContext context) =>
        context.Environment(SecretReferences.EnvironmentVariable(name))
        ?? throw new ConfigException(http.Secrets.FirstOrDefault(s => s.Name == name)?.Missing()
            ?? new ConfigError("(source)", 0, "http", $"secret '{name}' is not set (environment variable {SecretReferences.EnvironmentVariable(name)})"));

    private static string AppendQuery(string url, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var query = string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return query.Length == 0 ? url : url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }

    [GeneratedRegex(@"\{(?<name>[a-z]+(?::[^{}""]+)?|appKey|appSecret)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{(?<name>[a-zA-Z]+(?::[^{}]+)?)\}")]
    private static partial Regex SignInput();
}
