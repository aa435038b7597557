using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Reads YAML through the representation model rather than a deserializer, because admins need every
/// error at once and each with its line, which a deserializer cannot give.
/// </summary>
internal static class YamlNodes
{
    public static YamlMappingNode LoadRoot(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ConfigException(new ConfigError(file, (int)ex.Start.Line, "(yaml)", ex.InnerException?.Message ?? ex.Message));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's parser throws this, without a position, when the text ends inside an open flow collection.
            var lastLine = text.TrimEnd().Split('\n').Length;
            throw new ConfigException(new ConfigError(file, lastLine, "(yaml)", "the file ends inside an unclosed '{', '[' or quote"));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigException(new ConfigError(file, 1, "(yaml)", "the file must hold one YAML mapping"));
        }

        return root;
    }

    public static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public static string? Scalar(YamlMappingNode map, string key) =>
        Child(map, key) is YamlScalarNode { Value: { } value } && !IsNull(value) ? value : null;

    public static bool IsNull(string value) => value is "~" or "null" or "";

    public static ConfigError Error(string file, YamlNode node, string field, string message) =>
        new(file, (int)node.Start.Line, field, message);

    /// <summary>Reports keys the schema does not know, the commonest admin typo.</summary>
    public static void CheckKeys(string file, YamlMappingNode map, string at, IReadOnlyCollection<string> allowed, List<ConfigError> errors)
    {
        foreach (var (keyNode, _) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!allowed.Contains(key))
            {
                var field = at.Length == 0 ? key : $"{at}.{key}";
                errors.Add(Error(file, keyNode, field, $"unknown field (allowed: {string.Join(", ", allowed)})"));
            }
        }
    }
}
