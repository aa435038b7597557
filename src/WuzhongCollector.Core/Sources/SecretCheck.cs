using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Finds every <c>{secret:NAME}</c> a source file names, anywhere in it, and reports those whose environment
/// variable is unset, with file, line and field. It walks the whole file rather than known fields, so a
/// secret in a field added later is checked too. Messages name the secret, never a value.
/// </summary>
public static class SecretCheck
{
    public static IReadOnlyList<ConfigError> Missing(string file, string text, Func<string, string?> environment)
    {
        YamlMappingNode root;
        try
        {
            root = YamlNodes.LoadRoot(text, file);
        }
        catch (ConfigException)
        {
            // Bad YAML is reported by the loader; there is nothing more to find here.
            return [];
        }

        var errors = new List<ConfigError>();
        Walk(file, root, string.Empty, environment, errors);
        return errors;
    }

    private static void Walk(string file, YamlNode node, string path, Func<string, string?> environment, List<ConfigError> errors)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                foreach (var name in SecretReferences.Names(scalar.Value).Distinct(StringComparer.Ordinal))
                {
                    if (string.IsNullOrEmpty(environment(SecretReferences.EnvironmentVariable(name))))
                    {
                        errors.Add(YamlNodes.Error(file, scalar, path, $"secret '{name}' is not set: set the environment variable {SecretReferences.EnvironmentVariable(name)}"));
                    }
                }

                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? "?";
                    Walk(file, value, path.Length == 0 ? name : $"{path}.{name}", environment, errors);
                }

                break;
            case YamlSequenceNode sequence:
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    Walk(file, item, $"{path}[{index++}]", environment, errors);
                }

                break;
        }
    }
}
