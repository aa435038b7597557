using System.Security.Cryptography;
using System.Text;
using Npgsql;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Core.Tables;
using WuzhongCollector.Service.Collection.Connectors;
using WuzhongCollector.Service.Plan;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Reporting;

/// <summary>A report as received: the uploaded workbook, or the web form's figures written as the template's CSV.</summary>
public sealed record ReportPayload(string Channel, string FileName, FetchedPayload Payload, TableFormat Format);

/// <summary>A report checked against the current figures: what confirming it would store, and every reject.</summary>
public sealed record CheckedReport(Obligation Obligation, ReportPayload Payload, ReportCheckResult Result);

/// <summary>
/// Reads a report the way every source is read (the table reader with its size and zip-bomb checks, the one
/// mapper, the same normalisation) and checks it against the current figures by the priority rule of the API.
/// Writes nothing.
/// </summary>
public sealed class ReportReader(NpgsqlDataSource dataSource, SourceRegistry registry)
{
    public const string UploadChannel = "upload";
    public const string FormChannel = "form";

    /// <summary>An uploaded template: an .xlsx without formulas, or it is refused as a whole.</summary>
    public static ReportPayload FromFile(string fileName, byte[] bytes)
    {
        var name = SafeName(fileName);
        if (bytes.Length < 4 || bytes[0] != (byte)'P' || bytes[1] != (byte)'K')
        {
            throw new ReportFileException($"“{name}”不是 .xlsx 工作簿：请上传下载的填报模板（Excel 2007 及以上格式）");
        }

        using (var stream = new MemoryStream(bytes, writable: false))
        {
            IReadOnlyList<string> formulas;
            try
            {
                formulas = WorkbookFormulas.Find(stream, name);
            }
            catch (InvalidDataException ex)
            {
                throw new ReportFileException($"无法读取“{name}”：{ex.Message}");
            }

            if (formulas.Count > 0)
            {
                throw new ReportFileException($"“{name}”含有公式（单元格 {string.Join("、", formulas)}）：请直接填写数值，公式不被接受");
            }
        }

        return new ReportPayload(UploadChannel, name, Payload(name, bytes), TableFormat.Excel);
    }

    /// <summary>
    /// The web form's figures (fields value:CODE, status:CODE, remark:CODE) as the template's CSV, so they take
    /// the upload's path. Locked columns come from the obligation, never from the form; a figure for an indicator
    /// outside it becomes a row of its own, which the check refuses.
    /// </summary>
    public static ReportPayload FromForm(Obligation obligation, IFormCollection form)
    {
        var csv = new StringBuilder();
        void Line(params string?[] cells) => csv.Append(string.Join(",", cells.Select(Quote))).Append('\n');
        string?[] Padded(params string?[] cells) => [.. cells, .. new string?[ReportTemplate.Columns.Length - cells.Length]];

        Line(Padded(ReportTemplate.Title(obligation.Department, obligation.Period)));
        Line(Padded());
        Line(ReportTemplate.Columns);
        var known = obligation.Rows.Select(r => r.Indicator.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var row in obligation.Rows)
        {
            var code = row.Indicator.Code;
            Line(code, row.Indicator.NameZh, row.Indicator.Unit, row.Period.Id, null, null, null, form["value:" + code], form["status:" + code], form["remark:" + code]);
        }

        foreach (var key in form.Keys.Where(k => k.StartsWith("value:", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var code = key["value:".Length..];
            if (!known.Contains(code))
            {
                Line(code, null, null, obligation.Period.Id, null, null, null, form[key], form["status:" + code], form["remark:" + code]);
            }
        }

        var name = $"网页填报-{obligation.Department}-{obligation.Period.Id}.csv";
        return new ReportPayload(FormChannel, name, Payload(name, Encoding.UTF8.GetBytes(csv.ToString())), TableFormat.Csv);
    }

    public async Task<CheckedReport> CheckAsync(Obligation obligation, ReportPayload payload, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(obligation, cancellationToken);
        var now = current.Where(c => c.Value.Current is not null).ToDictionary(c => c.Key, c => c.Value.Current!, StringComparer.Ordinal);
        try
        {
            var records = TableReader.Read(payload.Payload.Open, payload.FileName, ReportTemplate.Options(payload.Format), cancellationToken);
            return new CheckedReport(obligation, payload, ReportCheck.Check(records, obligation, registry.Catalogue, now, cancellationToken));
        }
        catch (InvalidDataException ex)
        {
            throw new ReportFileException($"无法读取“{payload.FileName}”（是下载的填报模板吗？）：{ex.Message}");
        }
    }

    /// <summary>For the template: each indicator's accepted figure for the period, else its latest before it.</summary>
    public async Task<Dictionary<string, LastFigure>> LastFiguresAsync(Obligation obligation, CancellationToken cancellationToken) =>
        (await CurrentAsync(obligation, cancellationToken)).Where(c => c.Value.Last is not null).ToDictionary(c => c.Key, c => c.Value.Last!, StringComparer.Ordinal);

    /// <summary>Through the API's current-figure rule (<see cref="CurrentFigures"/>): per row, the figure of its period and the one to show.</summary>
    private async Task<Dictionary<string, (CurrentValue? Current, LastFigure? Last)>> CurrentAsync(Obligation obligation, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var figures = await CurrentFigures.LoadAsync(connection, null, obligation.Rows.Select(r => r.Indicator.Code).ToList(), PlanReport.PlanArea, null, cancellationToken);
        var result = new Dictionary<string, (CurrentValue?, LastFigure?)>(StringComparer.Ordinal);
        foreach (var row in obligation.Rows)
        {
            var series = figures.GetValueOrDefault(row.Indicator.Code) ?? [];
            var same = series.FirstOrDefault(f => f.Period == row.Period.Id);
            var shown = same ?? series.Where(f => DateOnly.FromDateTime(f.PeriodEnd) < row.Period.End).MaxBy(f => f.PeriodEnd);
            result[row.Indicator.Code] = (
                same is null ? null : new CurrentValue(same.Value, Core.Normalisation.ObservationStatusText.Parse(same.Status) ?? Core.Normalisation.ObservationStatus.Normal),
                shown is null ? null : new LastFigure(shown.Period, shown.Value, shown.Status, shown.Source));
        }

        return result;
    }

    private static FetchedPayload Payload(string name, byte[] bytes) =>
        new(name, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, bytes, null);

    /// <summary>The name as the browser sent it, without folders, control characters or excess length: it is shown and stored.</summary>
    public static string SafeName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? string.Empty).Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return name.Length == 0 ? "upload.xlsx" : name.Length > 120 ? name[..120] : name;
    }

    private static string Quote(string? cell) => "\"" + (cell ?? string.Empty).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
