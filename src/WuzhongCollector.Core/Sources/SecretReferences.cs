using System.Text.RegularExpressions;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Source files name secrets as <c>{secret:NAME}</c> inside URLs, headers and bodies; the value comes from
/// the environment variable <c>WUZHONG_SECRET_NAME</c> and is substituted only at call time, so it never
/// reaches job arguments, the dashboard, logs, the API or error messages.
/// </summary>
public static partial class SecretReferences
{
    public const string EnvironmentPrefix = "WUZHONG_SECRET_";

    public static IEnumerable<string> Names(string? text) =>
        text is null ? [] : Reference().Matches(text).Select(m => m.Groups["name"].Value);

    public static string EnvironmentVariable(string name) => EnvironmentPrefix + name;

    /// <summary>Replaces every reference; a secret that is not set throws, naming the variable, never a value.</summary>
    public static string Expand(string text, Func<string, string?> lookup) =>
        Reference().Replace(text, m =>
        {
            var name = m.Groups["name"].Value;
            return lookup(EnvironmentVariable(name))
                ?? throw new InvalidOperationException($"secret '{name}' is not set: set the environment variable {EnvironmentVariable(name)}");
        });

    [GeneratedRegex(@"\{secret:(?<name>[A-Z0-9_]+)\}")]
    private static partial Regex Reference();
}
