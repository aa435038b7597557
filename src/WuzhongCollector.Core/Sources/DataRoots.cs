namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Where source files may read data from: the config folder, and the folders <c>Collector:AllowedDataRoots</c>
/// adds. Symbolic links are resolved before a path is judged, so a link (or a <c>..</c>) cannot lead a source, or
/// the drop folder's moves, to a file outside them. Every reader of source files (the service's connectors,
/// <c>validate</c>, <c>check</c> and <c>preview</c>) goes through <see cref="Resolve"/>.
/// </summary>
public sealed class DataRoots
{
    private const int MaxLinks = 40;

    public DataRoots(string configDirectory, IEnumerable<string>? allowedRoots = null)
    {
        ConfigDirectory = Path.GetFullPath(configDirectory);
        Roots = [RealPath(ConfigDirectory), .. (allowedRoots ?? []).Select(r => RealPath(Path.Combine(ConfigDirectory, r)))];
    }

    /// <summary>The config folder as configured; source paths are relative to it.</summary>
    public string ConfigDirectory { get; }

    /// <summary>The allowed folders, links resolved.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>
    /// The real path (links resolved) of <paramref name="configured"/>, taken relative to the config folder, and
    /// null as the refusal when it lies inside an allowed folder; else the reason, for an error message.
    /// </summary>
    public (string RealPath, string? Refusal) Resolve(string configured)
    {
        string real;
        try
        {
            real = RealPath(Path.Combine(ConfigDirectory, configured));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (configured, $"'{configured}' cannot be resolved ({ex.Message})");
        }

        return (real, IsInside(real) ? null
            : $"'{configured}' leads to {real}, outside the config folder{(Roots.Count > 1 ? " and Collector:AllowedDataRoots" : string.Empty)}; "
              + "add its folder to Collector:AllowedDataRoots to read it");
    }

    /// <summary>True when a real path (see <see cref="RealPath"/>) lies in an allowed folder.</summary>
    public bool IsInside(string realPath) =>
        Roots.Any(root => realPath == root || realPath.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    /// <summary>
    /// The absolute path with every symbolic link resolved and <c>.</c>/<c>..</c> applied after resolving, as the
    /// operating system would (<c>a/link/..</c> is the link target's parent, not <c>a</c>). Parts that do not
    /// exist yet are kept as written.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = root;
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"more than {MaxLinks} symbolic links (a loop?) at {next}");
            }

            // The link's target replaces it, and is itself resolved part by part (it may hold links and '..').
            var absolute = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            foreach (var piece in absolute[Path.GetPathRoot(absolute)!.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(piece);
            }

            current = Path.GetPathRoot(absolute)!;
        }

        return current;
    }
}
