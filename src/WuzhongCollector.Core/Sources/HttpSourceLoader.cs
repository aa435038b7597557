using WuzhongCollector.Core.OpenData;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Reads the <c>http:</c> block of an HTTP source file (every kind but csv), with the defaults each kind
/// brings, and reports every error with its line. Secrets are checked to be set for sources that are not
/// paused; their values are never read into the settings.
/// </summary>
internal static class HttpSourceLoader
{
    internal static readonly string[] HttpKeys = ["url", "method", "query", "headers", "body", "form", "contentType", "auth", "paging", "success", "empty", "message", "records", "resilience"];
    internal static readonly string[] ResilienceKeys = ["attemptTimeoutSeconds", "totalTimeoutSeconds", "maxRetries", "baseDelaySeconds", "maxRetryAfterSeconds", "breakSeconds"];
    private const string Placeholders = "page, size, offset, limit, now:FORMAT, timestamp, nonce, self, secret:NAME";

    public static HttpSettings? Read(string file, YamlMappingNode? node, SourceKind kind, bool paused, Func<string, string?> environment, SourceChecks? checks,
        List<ConfigError> errors)
    {
        if (node is null)
        {
            return null;
        }

        var secrets = new List<SecretUse>();
        var templates = new List<(string Text, YamlNode At, string Field)>();
        void Template(string? text, YamlNode? at, string field)
        {
            if (text is not null && at is not null)
            {
                templates.Add((text, at, field));
            }
        }

        YamlNodes.CheckKeys(file, node, "http", HttpKeys, errors);
        var url = YamlNodes.Scalar(node, "url");
        if (url is null)
        {
            errors.Add(YamlNodes.Error(file, node, "http.url", "is required"));
        }
        else if (SourceUrls.Refusal(url, checks?.ServicePorts ?? []) is { } refusal)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "url")!, "http.url", refusal));
        }

        Template(url, YamlNodes.Child(node, "url"), "http.url");
        var method = (YamlNodes.Scalar(node, "method") ?? "GET").ToUpperInvariant();
        if (method is not ("GET" or "POST"))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "method")!, "http.method", "must be GET or POST"));
        }

        var query = Map(file, node, "query", errors, Template);
        var headers = Map(file, node, "headers", errors, Template);
        var form = YamlNodes.Child(node, "form") is null ? null : Map(file, node, "form", errors, Template);
        var body = YamlNodes.Scalar(node, "body");
        Template(body, YamlNodes.Child(node, "body"), "http.body");
        if ((body is not null || form is not null) && method == "GET")
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "body") ?? YamlNodes.Child(node, "form")!, "http.method", "a body or form needs method POST"));
        }

        if (body is not null && form is not null)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "form")!, "http.form", "set either 'body' or 'form', not both"));
        }

        var auth = HttpAuthPagingLoader.ReadAuth(file, YamlNodes.Child(node, "auth"), errors, Template);
        var paging = HttpAuthPagingLoader.ReadPaging(file, YamlNodes.Child(node, "paging"), errors);
        if (paging is not null)
        {
            var placeholder = paging.Mode switch { PagingMode.Page => "page", PagingMode.Offset => "offset", _ => null };
            var all = new[] { url, body }.Concat(query.Values).Concat(form?.Values ?? Enumerable.Empty<string>());
            if (placeholder is not null && !all.Any(t => RequestPlanner.Uses(t, placeholder)))
            {
                errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "paging")!, "http.paging.mode", $"mode {paging.Mode.ToString().ToLowerInvariant()} needs {{{placeholder}}} in the url, query, body or form"));
            }
        }

        var success = ReadRule(file, node, "success", kind switch
        {
            SourceKind.Nbs or SourceKind.Ckan => "success == true",
            SourceKind.NbsEasyQuery => "returncode == 200",
            _ => null,
        }, errors);
        // NBS easyquery answers a query without data with returncode 501 and a text returndata.
        var empty = ReadRule(file, node, "empty", kind == SourceKind.NbsEasyQuery ? "returncode == 501" : null, errors);
        var messages = YamlNodes.Child(node, "message") switch
        {
            YamlScalarNode { Value: { Length: > 0 } one } => [one],
            YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).Where(s => s.Length > 0).ToList(),
            _ => EnvelopeRule.DefaultMessagePaths,
        };

        var records = YamlNodes.Scalar(node, "records");
        if (records is not null && kind is not (SourceKind.HttpJson or SourceKind.Ckan or SourceKind.Soda))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "records")!, "http.records", $"kind {SourceKinds.Text(kind)} reads its own shape; remove 'records'"));
        }

        foreach (var (text, at, field) in templates)
        {
            var signTemplate = field == "http.auth.sign";
            foreach (var unknown in RequestPlanner.UnknownPlaceholders(text, signTemplate).Distinct())
            {
                errors.Add(YamlNodes.Error(file, at, field, $"unknown placeholder {{{unknown}}} (known: {Placeholders}{(signTemplate ? ", appKey, appSecret, body, form:NAME, query:NAME" : string.Empty)})"));
            }

            foreach (var name in SecretReferences.Names(text).Distinct())
            {
                var use = new SecretUse(name, file, (int)at.Start.Line, field);
                secrets.Add(use);
                // A paused source is not called, so its secrets may be absent until it is resumed.
                if (!paused && environment(SecretReferences.EnvironmentVariable(name)) is null)
                {
                    errors.Add(use.Missing());
                }
            }
        }

        var resilience = ReadResilience(file, YamlNodes.Child(node, "resilience") as YamlMappingNode, errors);
        return url is null ? null : new HttpSettings(url, method, headers, body, records ?? (kind == SourceKind.Ckan ? "result.records" : string.Empty), resilience)
        {
            Query = query,
            Form = form,
            ContentType = YamlNodes.Scalar(node, "contentType") ?? "application/json",
            Auth = auth,
            Paging = paging,
            Success = success,
            Empty = empty,
            MessagePaths = messages,
            Secrets = secrets,
        };
    }

    private static Dictionary<string, string> Map(string file, YamlMappingNode node, string key, List<ConfigError> errors, Action<string?, YamlNode?, string> template)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var child = YamlNodes.Child(node, key);
        if (child is null)
        {
            return map;
        }

        if (child is not YamlMappingNode entries)
        {
            errors.Add(YamlNodes.Error(file, child, $"http.{key}", "must be a mapping of names to values"));
            return map;
        }

        foreach (var (k, v) in entries.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (v is not YamlScalarNode scalar)
            {
                errors.Add(YamlNodes.Error(file, v, $"http.{key}.{name}", "must be a single value"));
                continue;
            }

            map[name] = scalar.Value ?? string.Empty;
            template(scalar.Value, scalar, $"http.{key}.{name}");
        }

        return map;
    }

    private static EnvelopeRule? ReadRule(string file, YamlMappingNode node, string key, string? fallback, List<ConfigError> errors)
    {
        var text = YamlNodes.Scalar(node, key) ?? fallback;
        if (text is null)
        {
            return null;
        }

        if (!EnvelopeRule.TryParse(text, out var rule, out var error))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, key) ?? node, $"http.{key}", error!));
        }

        return rule;
    }

    private static Resilience ReadResilience(string file, YamlMappingNode? r, List<ConfigError> errors)
    {
        if (r is null)
        {
            return Resilience.Default;
        }

        YamlNodes.CheckKeys(file, r, "http.resilience", ResilienceKeys, errors);
        var d = Resilience.Default;
        var resilience = new Resilience(
            TimeSpan.FromSeconds(SourceFileLoader.Int(file, r, "attemptTimeoutSeconds", (int)d.AttemptTimeout.TotalSeconds, errors)),
            TimeSpan.FromSeconds(SourceFileLoader.Int(file, r, "totalTimeoutSeconds", (int)d.TotalTimeout.TotalSeconds, errors)),
            SourceFileLoader.Int(file, r, "maxRetries", d.MaxRetries, errors),
            TimeSpan.FromSeconds(SourceFileLoader.Int(file, r, "baseDelaySeconds", (int)d.BaseDelay.TotalSeconds, errors)),
            TimeSpan.FromSeconds(SourceFileLoader.Int(file, r, "maxRetryAfterSeconds", (int)d.MaxRetryAfter.TotalSeconds, errors)),
            TimeSpan.FromSeconds(Math.Max(1, SourceFileLoader.Int(file, r, "breakSeconds", (int)d.BreakDuration.TotalSeconds, errors))));
        if (resilience.AttemptTimeout <= TimeSpan.Zero)
        {
            errors.Add(YamlNodes.Error(file, r, "http.resilience.attemptTimeoutSeconds", "must be at least 1"));
        }

        if (resilience.AttemptTimeout > resilience.TotalTimeout)
        {
            errors.Add(YamlNodes.Error(file, r, "http.resilience", "attemptTimeoutSeconds must not exceed totalTimeoutSeconds"));
        }

        if (resilience.MaxRetries is < 0 or > 10)
        {
            errors.Add(YamlNodes.Error(file, r, "http.resilience.maxRetries", "must be between 0 and 10"));
        }

        return resilience;
    }
}
