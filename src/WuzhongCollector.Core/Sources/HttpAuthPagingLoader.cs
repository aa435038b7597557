using WuzhongCollector.Core.OpenData;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Sources;

/// <summary>The <c>http.auth</c> and <c>http.paging</c> blocks of a source file.</summary>
internal static class HttpAuthPagingLoader
{
    internal static readonly string[] PagingKeys = ["mode", "size", "start", "total", "next", "maxPages"];
    private static readonly string[] TokenKeys = ["type", "header", "token"];
    private static readonly string[] AppSignKeys = ["type", "appKey", "appSecret", "sign", "algorithm", "timestampFormat", "appKeyField", "timestampField", "signField"];
    private static readonly string[] HmacKeys = ["type", "clientId", "secret"];

    /// <summary>Every field of an auth block, whatever its type: what the editors' schema declares.</summary>
    internal static readonly string[] AuthKeys = [.. TokenKeys.Union(AppSignKeys).Union(HmacKeys)];

    public static HttpAuth? ReadAuth(string file, YamlNode? node, List<ConfigError> errors, Action<string?, YamlNode?, string> template)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(YamlNodes.Error(file, node, "http.auth", "must be a mapping with a type"));
            return null;
        }

        string? Required(string key)
        {
            var value = YamlNodes.Scalar(map, key);
            if (value is null)
            {
                errors.Add(YamlNodes.Error(file, map, $"http.auth.{key}", "is required"));
            }

            template(value, YamlNodes.Child(map, key), $"http.auth.{key}");
            return value;
        }

        string Optional(string key, string fallback)
        {
            var value = YamlNodes.Scalar(map, key) ?? fallback;
            template(value, YamlNodes.Child(map, key) ?? map, $"http.auth.{key}");
            return value;
        }

        switch (YamlNodes.Scalar(map, "type"))
        {
            case "token":
                YamlNodes.CheckKeys(file, map, "http.auth", TokenKeys, errors);
                var header = Optional("header", "token");
                var token = Required("token");
                return token is null ? null : new TokenAuth(header, token);
            case "app-sign":
                YamlNodes.CheckKeys(file, map, "http.auth", AppSignKeys, errors);
                var appKey = Required("appKey");
                var appSecret = Required("appSecret");
                var algorithm = YamlNodes.Scalar(map, "algorithm") ?? "md5";
                if (!Signatures.Algorithms.Contains(algorithm))
                {
                    errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "algorithm")!, "http.auth.algorithm", $"must be one of {string.Join(", ", Signatures.Algorithms)}"));
                }

                var sign = Optional("sign", AppSignAuth.SipopSignTemplate);
                return appKey is null || appSecret is null ? null : new AppSignAuth(
                    appKey, appSecret, sign, algorithm,
                    YamlNodes.Scalar(map, "timestampFormat") ?? AppSignAuth.SipopTimestampFormat,
                    YamlNodes.Scalar(map, "appKeyField") ?? "appKey",
                    YamlNodes.Scalar(map, "timestampField") ?? "timestamp",
                    YamlNodes.Scalar(map, "signField") ?? "sign");
            case "hmac":
                YamlNodes.CheckKeys(file, map, "http.auth", HmacKeys, errors);
                var clientId = Required("clientId");
                var secret = Required("secret");
                return clientId is null || secret is null ? null : new HmacAuth(clientId, secret);
            case var other:
                errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "type") ?? map, "http.auth.type", other is null ? "is required (token, app-sign or hmac)" : $"unknown type '{other}' (token, app-sign or hmac)"));
                return null;
        }
    }

    public static Paging? ReadPaging(string file, YamlNode? node, List<ConfigError> errors)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(YamlNodes.Error(file, node, "http.paging", "must be a mapping with a mode"));
            return null;
        }

        YamlNodes.CheckKeys(file, map, "http.paging", PagingKeys, errors);
        PagingMode? mode = YamlNodes.Scalar(map, "mode") switch
        {
            "page" => PagingMode.Page,
            "offset" => PagingMode.Offset,
            "next" => PagingMode.Next,
            _ => null,
        };
        if (mode is null)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "mode") ?? map, "http.paging.mode", "must be page, offset or next"));
            return null;
        }

        var size = SourceFileLoader.Int(file, map, "size", Paging.DefaultSize, errors);
        var start = SourceFileLoader.Int(file, map, "start", mode == PagingMode.Offset ? 0 : 1, errors);
        var maxPages = SourceFileLoader.Int(file, map, "maxPages", Paging.DefaultMaxPages, errors);
        var next = YamlNodes.Scalar(map, "next");
        if (size is < 1 or > 100_000)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "size")!, "http.paging.size", "must be between 1 and 100000"));
        }

        if (maxPages is < 1 or > 10_000)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "maxPages")!, "http.paging.maxPages", "must be between 1 and 10000"));
        }

        if (mode == PagingMode.Next && next is null)
        {
            errors.Add(YamlNodes.Error(file, map, "http.paging.next", "mode next needs the path of the next link, e.g. result._links.next"));
        }

        return new Paging(mode.Value, size, start, YamlNodes.Scalar(map, "total"), next, maxPages);
    }
}
