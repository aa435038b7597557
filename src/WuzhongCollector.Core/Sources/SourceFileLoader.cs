using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cronos;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Freshness;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Tables;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Reads one source file and checks it against the catalogue, collecting every error with its line so an
/// admin fixes them all in one pass.
/// </summary>
public static class SourceFileLoader
{
    private static readonly string[] TopKeys = ["name", "kind", "schedule", "paused", "pausedReason", "file", "http", "layout", "mapping", "freshness"];
    private static readonly string[] ScheduleKeys = ["cron", "timeZone"];
    private static readonly string[] FileKeys = ["path", "dropFolder", "sheet", "encoding", "delimiter", "quote", "headerRow"];
    private static readonly string[] FreshnessKeys = ["cadence", "publicationLagDays"];

    /// <summary>
    /// Every field this loader accepts, by block ("" is the top level, "mapping.*" each mapped field). A test
    /// checks config/source.schema.json against it, so a new field cannot be left out of the editors' schema.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [""] = TopKeys,
        ["schedule"] = ScheduleKeys,
        ["file"] = FileKeys,
        ["http"] = HttpSourceLoader.HttpKeys,
        ["http.resilience"] = HttpSourceLoader.ResilienceKeys,
        ["http.paging"] = HttpAuthPagingLoader.PagingKeys,
        ["http.auth"] = HttpAuthPagingLoader.AuthKeys,
        ["mapping"] = MappingLoader.MappingKeys,
        ["mapping.*"] = MappingLoader.FieldKeys,
        ["mapping.values[]"] = MappingLoader.ValueKeys,
        ["mapping.columns.*"] = MappingLoader.SettingsKeys,
        ["mapping.indicators.*"] = MappingLoader.SettingsKeys,
        ["freshness"] = FreshnessKeys,
        ["layout"] = LayoutLoader.LayoutKeys,
        ["layout.header"] = LayoutLoader.HeaderKeys,
    };

    public const string DefaultTimeZone = "Asia/Shanghai";

    /// <summary>A source file is a page of YAML; anything larger is refused unread.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Reads and parses one source file, refusing one over <see cref="MaxFileBytes"/> unread.</summary>
    public static (SourceDefinition? Source, IReadOnlyList<ConfigError> Errors) Load(string path, IndicatorCatalogue catalogue, SourceChecks? checks = null,
        Func<string, string?>? environment = null)
    {
        var name = Path.GetFileName(path);
        string text;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length > MaxFileBytes)
            {
                return (null, [new ConfigError(name, 0, "(file)", $"is {stream.Length} bytes; a source file may be at most {MaxFileBytes / 1024} KiB")]);
            }

            text = new StreamReader(stream).ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An editor may still hold the file; the next change event reads it again.
            return (null, [new ConfigError(name, 0, "(file)", $"could not be read: {ex.Message}")]);
        }

        return Parse(Path.GetFileNameWithoutExtension(path), name, text, catalogue, path, environment, checks);
    }

    /// <summary>
    /// Parses a source file's text; <c>environment</c> is where secrets are looked up (the process environment when
    /// null); <c>checks</c>, when given, refuses data paths outside the allowed folders and URLs to the service itself.
    /// </summary>
    public static (SourceDefinition? Source, IReadOnlyList<ConfigError> Errors) Parse(string id, string file, string text, IndicatorCatalogue catalogue, string filePath = "",
        Func<string, string?>? environment = null, SourceChecks? checks = null)
    {
        var errors = new List<ConfigError>();
        YamlMappingNode root;
        try
        {
            root = YamlNodes.LoadRoot(text, file);
        }
        catch (ConfigException ex)
        {
            return (null, [ex.Error]);
        }

        if (!SourceIds.IsValid(id))
        {
            errors.Add(new ConfigError(file, 1, "(file name)", "the file name is the source id: use lower-case letters, digits and '-' only"));
        }

        YamlNodes.CheckKeys(file, root, string.Empty, TopKeys, errors);
        var name = YamlNodes.Scalar(root, "name") ?? id;
        var kindText = YamlNodes.Scalar(root, "kind");
        var kind = SourceKinds.Parse(kindText);
        if (kind is null)
        {
            var known = string.Join(", ", SourceKinds.All);
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(root, "kind") ?? root, "kind", kindText is null ? $"is required ({known})" : $"unknown kind '{kindText}' ({known})"));
        }

        var schedule = ReadSchedule(file, root, errors);
        var paused = YamlNodes.Scalar(root, "paused") is "true" or "yes";
        var pausedReason = YamlNodes.Scalar(root, "pausedReason");

        FileSettings? fileSettings = null;
        HttpSettings? http = null;
        TableLayout? layout = null;
        var layoutNode = YamlNodes.Child(root, "layout");
        if (kind is SourceKind.Csv or SourceKind.Excel)
        {
            fileSettings = ReadFile(file, Require<YamlMappingNode>(file, root, "file", errors), kind.Value, checks?.Roots, errors);
            layout = LayoutLoader.Read(file, layoutNode, fileSettings, errors);
        }
        else if (kind is { } httpKind)
        {
            if (layoutNode is not null)
            {
                errors.Add(YamlNodes.Error(file, layoutNode, "layout", "applies to csv and excel sources only"));
            }

            http = HttpSourceLoader.Read(file, Require<YamlMappingNode>(file, root, "http", errors), httpKind, paused, environment ?? Environment.GetEnvironmentVariable, checks, errors);
        }

        var mapping = MappingLoader.Read(file, Require<YamlMappingNode>(file, root, "mapping", errors), catalogue, layoutNode is null ? null : layout, kind, errors);
        var freshness = ReadFreshness(file, root, errors);
        if (!paused)
        {
            // Any field may name a secret, not only the HTTP ones the HTTP loader checks; report each place once.
            errors.AddRange(SecretCheck.Missing(file, text, environment ?? Environment.GetEnvironmentVariable)
                .Where(e => !errors.Any(x => x.Line == e.Line && x.Field == e.Field)));
        }

        if (errors.Count > 0 || kind is null || schedule is null || mapping is null)
        {
            return (null, errors);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return (new SourceDefinition(id, name, kind.Value, schedule, mapping, hash, filePath, fileSettings, http, paused, pausedReason, freshness, layout), errors);
    }

    private static T? Require<T>(string file, YamlMappingNode map, string key, List<ConfigError> errors)
        where T : YamlNode
    {
        var node = YamlNodes.Child(map, key);
        if (node is T typed)
        {
            return typed;
        }

        errors.Add(YamlNodes.Error(file, node ?? map, key, node is null ? "is required" : "has the wrong shape"));
        return null;
    }

    private static Schedule? ReadSchedule(string file, YamlMappingNode root, List<ConfigError> errors)
    {
        var node = Require<YamlMappingNode>(file, root, "schedule", errors);
        if (node is null)
        {
            return null;
        }

        YamlNodes.CheckKeys(file, node, "schedule", ScheduleKeys, errors);
        var cron = YamlNodes.Scalar(node, "cron");
        var timeZone = YamlNodes.Scalar(node, "timeZone") ?? DefaultTimeZone;
        var ok = true;
        if (cron is null)
        {
            errors.Add(YamlNodes.Error(file, node, "schedule.cron", "is required"));
            ok = false;
        }
        else if (!IsValidCron(cron))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "cron")!, "schedule.cron", $"'{cron}' is not a valid cron expression (5 fields, or 6 with seconds)"));
            ok = false;
        }

        if (!TimeZones.TryResolve(timeZone, out _))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "timeZone") ?? node, "schedule.timeZone", $"unknown time zone '{timeZone}'"));
            ok = false;
        }

        return ok ? new Schedule(cron!, timeZone) : null;
    }

    public static bool IsValidCron(string cron)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return fields is 5 or 6;
        }
        catch (CronFormatException)
        {
            return false;
        }
    }

    /// <summary>Optional: without it the source's figures are never called stale.</summary>
    private static FreshnessRule? ReadFreshness(string file, YamlMappingNode root, List<ConfigError> errors)
    {
        var node = YamlNodes.Child(root, "freshness");
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(YamlNodes.Error(file, node, "freshness", "must be a mapping with cadence and publicationLagDays"));
            return null;
        }

        YamlNodes.CheckKeys(file, map, "freshness", FreshnessKeys, errors);
        var cadenceText = YamlNodes.Scalar(map, "cadence");
        var cadence = FreshnessRule.ParseCadence(cadenceText);
        if (cadence is null)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "cadence") ?? map, "freshness.cadence",
                cadenceText is null ? "is required (yearly, quarterly or monthly)" : $"unknown cadence '{cadenceText}' (yearly, quarterly or monthly)"));
        }

        var lag = Int(file, map, "publicationLagDays", 0, errors);
        if (lag is < 0 or > 730)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "publicationLagDays")!, "freshness.publicationLagDays", "must be between 0 and 730 days"));
        }

        return cadence is null ? null : new FreshnessRule(cadence.Value, lag);
    }

    private static FileSettings? ReadFile(string file, YamlMappingNode? node, SourceKind kind, DataRoots? roots, List<ConfigError> errors)
    {
        if (node is null)
        {
            return null;
        }

        YamlNodes.CheckKeys(file, node, "file", FileKeys, errors);
        var path = YamlNodes.Scalar(node, "path");
        var dropFolder = YamlNodes.Scalar(node, "dropFolder");
        if ((path is null) == (dropFolder is null))
        {
            errors.Add(YamlNodes.Error(file, node, "file", "set exactly one of 'path' or 'dropFolder'"));
        }

        foreach (var (key, value) in new[] { ("path", path), ("dropFolder", dropFolder) })
        {
            if (value is not null && roots?.Resolve(value).Refusal is { } refusal)
            {
                errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, key)!, $"file.{key}", refusal));
            }
        }

        var encoding = YamlNodes.Scalar(node, "encoding") ?? "auto";
        if (encoding is not ("auto" or "utf-8" or "utf8" or "gb18030" or "gbk" or "gb2312"))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "encoding")!, "file.encoding", "must be auto, utf-8 or gb18030"));
        }

        var delimiter = OneChar(file, node, "delimiter", ',', errors);
        var quote = OneChar(file, node, "quote", '"', errors);
        var headerRow = Int(file, node, "headerRow", 1, errors);
        var sheet = YamlNodes.Scalar(node, "sheet");
        var onlyFor = kind == SourceKind.Excel ? ["encoding", "delimiter", "quote"] : new[] { "sheet" };
        foreach (var key in onlyFor.Where(k => YamlNodes.Child(node, k) is not null))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, key)!, $"file.{key}", $"applies to {(kind == SourceKind.Excel ? "csv" : "excel")} sources only"));
        }

        return new FileSettings(path, dropFolder, new CsvSettings(encoding, delimiter, quote, headerRow), sheet);
    }

    private static char OneChar(string file, YamlMappingNode node, string key, char fallback, List<ConfigError> errors)
    {
        var text = YamlNodes.Scalar(node, key);
        if (text is null)
        {
            return fallback;
        }

        text = text == "\\t" ? "\t" : text;
        if (text.Length != 1)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, key)!, key, "must be one character"));
            return fallback;
        }

        return text[0];
    }

    internal static int Int(string file, YamlMappingNode node, string key, int fallback, List<ConfigError> errors)
    {
        var text = YamlNodes.Scalar(node, key);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, key)!, key, $"'{text}' must be a whole number"));
            return fallback;
        }

        return value;
    }
}
