using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WuzhongCollector.Service.Demo;

/// <summary>
/// Demo endpoints in the shapes of international open-data APIs (CKAN, SDMX-JSON, JSON-stat, Socrata),
/// serving the SAMPLE files in config/samples/opendata, so each format's example source runs offline.
/// </summary>
public static partial class OpenDataSamplesApi
{
    public static RouteGroupBuilder MapOpenDataSamples(this RouteGroupBuilder demo)
    {
        // A whole file: SDMX-JSON and JSON-stat answer one document per query.
        demo.MapGet("/files/{name}", (string name, ConfigPaths paths) =>
            Sample(paths, name) is { } path ? Results.File(path, "application/json; charset=utf-8") : Results.NotFound());

        // CKAN datastore_search: offset/limit paging, total, and a next link that is there even on the last page.
        demo.MapGet("/ckan/datastore_search", (string resource_id, int? offset, int? limit, ConfigPaths paths) =>
        {
            if (Sample(paths, resource_id) is not { } path)
            {
                return Results.Json(new { success = false, error = new Dictionary<string, string> { ["__type"] = "Not Found Error", ["message"] = $"Not found: Resource \"{resource_id}\" was not found." } }, statusCode: 404);
            }

            var sample = JsonNode.Parse(File.ReadAllText(path))!;
            var rows = sample["records"]!.AsArray();
            var from = Math.Max(0, offset ?? 0);
            var size = Math.Clamp(limit ?? 100, 1, 32000);
            return Results.Json(new JsonObject
            {
                ["help"] = "/demo/opendata/ckan/help_show?name=datastore_search",
                ["success"] = true,
                ["result"] = new JsonObject
                {
                    ["resource_id"] = resource_id,
                    ["fields"] = sample["fields"]!.DeepClone(),
                    ["records"] = new JsonArray(rows.Skip(from).Take(size).Select(r => r!.DeepClone()).ToArray()),
                    ["limit"] = size,
                    ["offset"] = from,
                    ["total"] = rows.Count,
                    ["_links"] = new JsonObject { ["next"] = $"/demo/opendata/ckan/datastore_search?offset={from + size}&limit={size}&resource_id={resource_id}" },
                },
            });
        });

        // Socrata: a bare array of rows, every value a string; $offset/$limit paging ends with [].
        demo.MapGet("/soda/{name}.json", (string name, HttpRequest request, ConfigPaths paths) =>
        {
            if (Sample(paths, name) is not { } path)
            {
                return Results.NotFound();
            }

            var rows = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
            var from = int.TryParse(request.Query["$offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
            var size = int.TryParse(request.Query["$limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 1000;
            return Results.Json(new JsonArray(rows.Skip(from).Take(size).Select(r => r!.DeepClone()).ToArray()));
        });
        return demo;
    }

    private static string? Sample(ConfigPaths paths, string name) =>
        SampleName().IsMatch(name) && Path.Combine(paths.Directory, "samples", "opendata", name + ".json") is var path && File.Exists(path) ? path : null;

    [GeneratedRegex("^[a-z0-9-]{1,80}$")]
    private static partial Regex SampleName();
}
