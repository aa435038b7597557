using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.Sources;

/// <summary>
/// config/source.schema.json is what editors use to complete and flag source files; SourceFileLoader is what
/// the service uses. These tests keep the two in step, both ways.
/// </summary>
public sealed class SourceSchemaTests
{
    private static readonly string Root = RepoRoot();
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(Root, "config", "source.schema.json"));
    private static readonly JsonObject SchemaJson = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "config", "source.schema.json")))!.AsObject();

    public static TheoryData<string> SourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "config", "sources"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void ConfigSources_EveryFile_ValidatesAgainstSchemaAndLoader(string fileName)
    {
        var path = Path.Combine(Root, "config", "sources", fileName);
        var text = File.ReadAllText(path);

        var errors = SchemaErrors(text);
        var (definition, loaderErrors) = SourceFileLoader.Load(path, Catalogue());

        Assert.Empty(errors);
        Assert.Empty(loaderErrors);
        Assert.NotNull(definition);
        Assert.StartsWith("# yaml-language-server: $schema=../source.schema.json", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_EveryFieldTheLoaderAccepts_IsDeclared_AndNothingElse()
    {
        foreach (var (block, keys) in SourceFileLoader.Fields)
        {
            var declared = PropertiesAt(block);
            Assert.True(keys.Order(StringComparer.Ordinal).SequenceEqual(declared.Order(StringComparer.Ordinal)),
                $"block '{block}': loader accepts [{string.Join(", ", keys.Order(StringComparer.Ordinal))}] but the schema declares [{string.Join(", ", declared.Order(StringComparer.Ordinal))}]");
        }
    }

    [Fact]
    public void Loader_EveryKeyList_IsListedInFields()
    {
        // A new block's key list that is not in Fields would escape the test above, so look for all of them, in every loader.
        var keyLists = typeof(SourceFileLoader).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(SourceFileLoader).Namespace && t.Name.EndsWith("Loader", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(string[]) && f.Name.EndsWith("Keys", StringComparison.Ordinal))
            .Select(f => (f.Name, Value: (string[])f.GetValue(null)!))
            .ToList();

        Assert.NotEmpty(keyLists);
        // A variant's list (auth type token) may be part of its block's list (http.auth).
        Assert.All(keyLists, list => Assert.True(SourceFileLoader.Fields.Values.Any(v => list.Value.All(v.Contains)), $"{list.Name} is not in SourceFileLoader.Fields"));
    }

    [Fact]
    public void Schema_KindEnum_ListsEverySourceKind_AndTheLoaderAcceptsEach()
    {
        var kinds = SchemaJson["properties"]!["kind"]!["enum"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();

        Assert.Equal(Enum.GetValues<SourceKind>().Length, kinds.Count);
        foreach (var kind in kinds)
        {
            var (_, errors) = SourceFileLoader.Parse("probe", "probe.yaml", $"kind: {kind}\nschedule: {{ cron: \"0 2 * * *\" }}\n", Catalogue());
            Assert.DoesNotContain(errors, e => e.Field == "kind");
        }
    }

    [Fact]
    public void Schema_MistakesAdminsMake_AreFlagged()
    {
        const string valid = """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: a.csv }
            mapping: { indicator: { const: DE_CORE_VALUE_ADDED }, period: 期别, value: 数值 }
            """;

        Assert.Empty(SchemaErrors(valid));
        Assert.Contains("/nmae", SchemaErrors(valid + "\nnmae: typo"));
        Assert.Contains("/kind", SchemaErrors(valid.Replace("kind: csv", "kind: xml", StringComparison.Ordinal)));
        Assert.Contains("/schedule", SchemaErrors(valid.Replace("cron: \"0 2 * * *\"", "cronn: x", StringComparison.Ordinal)));
        Assert.Contains("/mapping/indicator", SchemaErrors(valid.Replace("{ const: DE_CORE_VALUE_ADDED }", "{ from: a, const: B }", StringComparison.Ordinal)));
        Assert.Contains("", SchemaErrors(valid.Replace("file: { path: a.csv }", "http: { url: x }", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The admin guide's field table (config/README.md, "Every field") names every field of the schema and nothing
    /// else: a row <c>http.auth.*</c> covers a block, <c>mapping.*.codes</c> the part every mapped field may have.
    /// </summary>
    [Fact]
    public void AdminGuide_FieldTable_NamesEverySchemaField_AndNothingElse()
    {
        var guide = File.ReadAllText(Path.Combine(Root, "config", "README.md"));
        var section = guide[guide.IndexOf("\n## Every field", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var rows = section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l => l.Split('`')[1]).ToList();
        var fields = SchemaFields(SchemaJson, string.Empty).Concat(SchemaFields(Resolve(Field()), "mapping.*.")).ToList();

        static bool Covers(string row, string field) =>
            row == field || (row.EndsWith(".*", StringComparison.Ordinal) && (field == row[..^2] || field.StartsWith(row[..^1], StringComparison.Ordinal)));

        Assert.Equal([], fields.Where(f => !rows.Any(r => Covers(r, f))));
        Assert.Equal([], rows.Where(r => !fields.Any(f => Covers(r, f))));
    }

    /// <summary>Every field path of the schema; a field of several forms (a name or a mapping), a list or a map is one field.</summary>
    private static IEnumerable<string> SchemaFields(JsonObject node, string prefix)
    {
        foreach (var (name, child) in node["properties"]!.AsObject())
        {
            var resolved = child!.AsObject();
            if (resolved["$ref"] is { } reference)
            {
                resolved = reference.GetValue<string>().TrimStart('#', '/').Split('/').Aggregate((JsonNode)SchemaJson, (n, p) => n[p]!).AsObject();
            }

            foreach (var field in resolved["properties"] is not null ? SchemaFields(resolved, $"{prefix}{name}.") : [prefix + name])
            {
                yield return field;
            }
        }
    }

    /// <summary>The instance locations (JSON pointers) the schema reports errors at.</summary>
    private static List<string> SchemaErrors(string yaml)
    {
        var instance = JsonSerializer.SerializeToElement(YamlToJson.Convert(yaml));
        var result = Schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => d.InstanceLocation.ToString()).Distinct().ToList();
    }

    private static List<string> PropertiesAt(string block)
    {
        // "mapping.*" is each mapped field, "mapping.columns.*" each entry of a map, "mapping.values[]" each item of a list.
        JsonObject node = SchemaJson;
        foreach (var segment in block.Length == 0 ? [] : block.Split('.'))
        {
            node = Resolve(segment switch
            {
                "*" => node["additionalProperties"] as JsonObject ?? Field(),
                _ when segment.EndsWith("[]", StringComparison.Ordinal) => node["properties"]![segment[..^2]]!["items"]!,
                _ => node["properties"]![segment]!,
            });
        }

        return node["properties"]!.AsObject().Select(p => p.Key).ToList();
    }

    private static JsonObject Field() => SchemaJson["definitions"]!["field"]!.AsObject();

    /// <summary>Follows a $ref and picks the object variant of a oneOf or anyOf (a field is "name" or { from, const, codes }).</summary>
    private static JsonObject Resolve(JsonNode node)
    {
        var obj = node.AsObject();
        if (obj["$ref"] is { } reference)
        {
            var path = reference.GetValue<string>().TrimStart('#', '/').Split('/');
            obj = path.Aggregate((JsonNode)SchemaJson, (n, p) => n[p]!).AsObject();
        }

        return obj["properties"] is null && (obj["oneOf"] ?? obj["anyOf"]) is JsonArray variants
            ? Resolve(variants.Select(v => v!.AsObject()).Single(v => v["properties"] is not null || v["$ref"] is not null))
            : obj;
    }

    private static IndicatorCatalogue Catalogue()
    {
        var (catalogue, errors) = CatalogueLoader.Load(Path.Combine(Root, "config", "catalogue.yaml"));
        return catalogue ?? throw new InvalidOperationException(string.Join("\n", errors));
    }

    private static string RepoRoot([CallerFilePath] string here = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(here)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WuzhongCollector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
