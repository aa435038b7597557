using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Reads YAML through the representation model rather than a deserializer, because admins need every
/// error at once and each with its line, which a deserializer cannot give.
/// </summary>
internal static class YamlNodes
{
    /// <summary>Nodes that aliases (<c>*name</c>) may add in all; an alias bomb of a few hundred bytes would add billions.</summary>
    public const int MaxAliasedNodes = 10_000;

    /// <summary>Nesting deeper than this is refused before the tree is built, which recurses once per level.</summary>
    public const int MaxDepth = 64;

    public static YamlMappingNode LoadRoot(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            CheckAliasesAndDepth(text, file);
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

    /// <summary>
    /// Walks the parser's events (a loop, not recursion) and counts the nodes each alias stands for, so a file
    /// whose aliases would multiply into millions of nodes, or that nests without end, is refused in linear time
    /// before anything walks its tree.
    /// </summary>
    private static void CheckAliasesAndDepth(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        var anchorSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long Nodes)>();
        long aliased = 0;
        void Add(long nodes)
        {
            if (open.TryPop(out var parent))
            {
                open.Push(parent with { Nodes = parent.Nodes + nodes });
            }
        }

        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case AnchorAlias alias:
                    var size = anchorSizes.GetValueOrDefault(alias.Value.Value, 1);
                    aliased += size;
                    if (aliased > MaxAliasedNodes)
                    {
                        throw new ConfigException(new ConfigError(file, (int)alias.Start.Line, "(yaml)",
                            $"aliases (*name) expand to more than {MaxAliasedNodes} nodes; refused as a possible alias bomb"));
                    }

                    Add(size);
                    break;
                case Scalar scalar:
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchorSizes[scalar.Anchor.Value] = 1;
                    }

                    Add(1);
                    break;
                case NodeEvent start and (MappingStart or SequenceStart):
                    if (open.Count >= MaxDepth)
                    {
                        throw new ConfigException(new ConfigError(file, (int)start.Start.Line, "(yaml)", $"nested deeper than {MaxDepth} levels"));
                    }

                    open.Push((start.Anchor.IsEmpty ? null : start.Anchor.Value, 1));
                    break;
                case MappingEnd or SequenceEnd:
                    var (anchor, nodes) = open.Pop();
                    if (anchor is not null)
                    {
                        anchorSizes[anchor] = nodes;
                    }

                    Add(nodes);
                    break;
            }
        }
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
