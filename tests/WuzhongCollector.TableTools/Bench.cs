using System.Diagnostics;
using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using ExcelDataReader;
using Sylvan.Data.Csv;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.TableTools;

/// <summary>
/// Rows per second and peak memory of the table readers, alone and with the layout and mapping, for a
/// 1,000,000-row CSV and a 100,000-row .xlsx. Each measurement runs in a fresh process so its peak
/// working set is its own. <c>dotnet run -c Release --project tests/WuzhongCollector.TableTools -- bench</c>.
/// </summary>
internal static class Bench
{
    private static readonly string[] Labels = ["数字经济核心产业增加值", "其中：软件和信息技术服务业营业收入", "电子信息产业规模", "推广应用工业机器人", "星级上云企业"];
    private static readonly string[] Units = ["万元", "万元", "亿元", "台", "家"];

    private const string CsvSource = """
        name: bench csv
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: bench.csv }
        layout: { header: { find: 指标名称 } }
        mapping:
          indicator:
            from: 指标名称
            codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED, 软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT, 电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE, 推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED, 星级上云企业: STAR_CLOUD_ENTERPRISES }
          area: 地区
          period: 期别
          value: 数值
          unit: 单位
        """;

    public static int Run(string root, string[] args)
    {
        var folder = Path.Combine(Path.GetTempPath(), "wuzhong-table-bench");
        Directory.CreateDirectory(folder);
        var csvRows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var xlsxRows = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
        var csv = Path.Combine(folder, $"bench-{csvRows}.csv");
        var xlsx = Path.Combine(folder, $"bench-{xlsxRows}.xlsx");
        if (!File.Exists(csv))
        {
            WriteCsv(csv, csvRows);
        }

        if (!File.Exists(xlsx))
        {
            WriteXlsx(xlsx, xlsxRows);
        }

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine("| file | stage | rows | wall s | rows/s (wall) | rows/s (CPU) | peak working set MB |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (file, rows) in new[] { (csv, csvRows), (xlsx, xlsxRows) })
        {
            foreach (var stage in new[] { "parse", "layout", "map" })
            {
                Console.WriteLine(Child(root, stage, file, rows));
            }
        }

        return 0;
    }

    /// <summary>One stage over one file, in this process; prints one table row.</summary>
    public static int One(string root, string stage, string file)
    {
        var catalogue = CatalogueLoader.Load(Path.Combine(root, "config", "catalogue.yaml")).Catalogue!;
        var yaml = file.EndsWith(".xlsx", StringComparison.Ordinal) ? CsvSource.Replace("kind: csv", "kind: excel", StringComparison.Ordinal).Replace("bench.csv", "bench.xlsx", StringComparison.Ordinal) : CsvSource;
        var source = SourceFileLoader.Parse("bench", "bench.yaml", yaml, catalogue).Source!;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long count = 0;
        long stored = 0;
        switch (stage)
        {
            case "parse":
                count = file.EndsWith(".xlsx", StringComparison.Ordinal) ? ParseXlsx(file) : ParseCsv(file);
                break;
            case "layout":
                count = SourceReader.Read(source, () => File.OpenRead(file), file).LongCount();
                break;
            default:
                var mapper = new RecordMapper(source.Mapping, catalogue);
                foreach (var record in SourceReader.Read(source, () => File.OpenRead(file), file))
                {
                    count++;
                    stored += mapper.Map(record).Observation is null ? 0 : 1;
                }

                break;
        }

        watch.Stop();
        // CPU time as well as wall time: on a shared 2-core machine other work stretches the wall clock.
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var note = stage == "map" ? $" ({stored} mapped)" : string.Empty;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetExtension(file)} | {Describe(stage)}{note} | {count:N0} | {watch.Elapsed.TotalSeconds:0.00} | {count / watch.Elapsed.TotalSeconds:N0} | {count / cpu:N0} | {peak:0} |"));
        return 0;
    }

    private static string Describe(string stage) => stage switch
    {
        "parse" => "parser alone (Sylvan / ExcelDataReader, every cell read)",
        "layout" => "readers + layout (two passes) → raw records",
        _ => "readers + layout + RecordMapper → observations",
    };

    private static string Child(string root, string stage, string file, int rows)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Bench).Assembly.Location);
        start.ArgumentList.Add("bench-one");
        start.ArgumentList.Add(stage);
        start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        _ = rows;
        _ = root;
        return line;
    }

    private static long ParseCsv(string file)
    {
        using var reader = new StreamReader(file, Encoding.UTF8);
        using var csv = CsvDataReader.Create(reader, new CsvDataReaderOptions { HasHeaders = false, Comment = '\0' });
        long rows = 0;
        while (csv.Read())
        {
            for (var i = 0; i < csv.RowFieldCount; i++)
            {
                _ = csv.GetString(i);
            }

            rows++;
        }

        return rows;
    }

    private static long ParseXlsx(string file)
    {
        TextEncodings.EnsureCodePages();
        using var stream = File.OpenRead(file);
        using var reader = ExcelReaderFactory.CreateReader(stream);
        long rows = 0;
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                _ = reader.GetValue(i);
            }

            rows++;
        }

        return rows;
    }

    private static (string Label, string Unit, string Period, string Value) Row(int i)
    {
        var k = i % Labels.Length;
        var year = 2000 + (i / Labels.Length % 24);
        var month = 1 + (i / (Labels.Length * 24) % 12);
        var period = (i % 3) switch { 0 => $"{year}年", 1 => $"{year}年{month}月", _ => $"{year}年1-{month}月" };
        return (Labels[k], Units[k], period, (1000 + (i % 9973) * 1.5).ToString("0.0", CultureInfo.InvariantCulture));
    }

    private static void WriteCsv(string path, int rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(true), 1 << 16);
        writer.WriteLine("吴中区数字经济指标（基准测试数据，非真实数据）,,,,,");
        writer.WriteLine("单位：见单位列,,,,,");
        writer.WriteLine("指标名称,地区,期别,数值,单位,备注");
        for (var i = 0; i < rows; i++)
        {
            var (label, unit, period, value) = Row(i);
            writer.Write(label);
            writer.Write(",320506,");
            writer.Write(period);
            writer.Write(',');
            writer.Write(value);
            writer.Write(',');
            writer.Write(unit);
            writer.WriteLine(",bench");
        }

        writer.WriteLine("注：基准测试数据。,,,,,");
    }

    /// <summary>Written through the Open XML SAX writer: ClosedXML needs minutes and gigabytes for 100,000 rows.</summary>
    private static void WriteXlsx(string path, int rows)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        var sheetPart = workbookPart.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(sheetPart))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            WriteRow(writer, ["吴中区数字经济指标（基准测试数据）"]);
            WriteRow(writer, ["指标名称", "地区", "期别", "数值", "单位", "备注"]);
            for (var i = 0; i < rows; i++)
            {
                var (label, unit, period, value) = Row(i);
                WriteRow(writer, [label, "320506", period, double.Parse(value, CultureInfo.InvariantCulture), unit, "bench"]);
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        workbookPart.Workbook = new Workbook(new Sheets(new Sheet { Name = "数据", SheetId = 1, Id = workbookPart.GetIdOfPart(sheetPart) }));
        workbookPart.Workbook.Save();
    }

    private static void WriteRow(OpenXmlWriter writer, object[] cells)
    {
        writer.WriteStartElement(new Row());
        foreach (var cell in cells)
        {
            if (cell is double number)
            {
                writer.WriteElement(new Cell { DataType = CellValues.Number, CellValue = new CellValue(number) });
            }
            else
            {
                writer.WriteElement(new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text((string)cell)) });
            }
        }

        writer.WriteEndElement();
    }
}
