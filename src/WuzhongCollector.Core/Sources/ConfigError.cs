namespace WuzhongCollector.Core.Sources;

/// <summary>A problem in a config file, located so an admin can fix it without reading code.</summary>
public sealed record ConfigError(string File, int Line, string Field, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Field}: {Message}" : $"{File}: {Field}: {Message}";
}

public sealed class ConfigException(ConfigError error) : Exception(error.ToString())
{
    public ConfigError Error { get; } = error;
}
