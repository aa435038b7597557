using System.Text;
using CsCheck;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Tests.Parsing;

/// <summary>
/// Generated inputs, 10,000 per reader: well-formed tables and documents, broken ones, and raw bytes. Reading
/// and mapping either succeed or throw <see cref="InvalidDataException"/> naming the origin; nothing else escapes.
/// </summary>
public sealed class ReaderFuzzTests
{
    private const int Iterations = 10_000;
    private static readonly IndicatorCatalogue Catalogue = CatalogueLoader.Load(Path.Combine(RepoPaths.Config, "catalogue.yaml")).Catalogue!;

    private static readonly RecordMapping Mapping = new(
        Indicator: new FieldMap("指标名称", null, new Dictionary<string, string> { ["数字经济核心产业增加值"] = "DE_CORE_VALUE_ADDED", ["政务云上云率"] = "GOV_CLOUD_ADOPTION_RATE" }),
        Area: FieldMap.Constant("320506"),
        Period: new FieldMap("期别", null),
        Value: new FieldMap("数值", null),
        Unit: new FieldMap("单位", null),
        Status: new FieldMap("状态", null));

    private static readonly string[] CsvTokens =
    [
        "指标名称", "期别", "数值", "单位", "状态", "数字经济核心产业增加值", "政务云上云率", "2023年", "2023年9月", "2023年1-9月", "一季度", "2023-Q4",
        "448.5", "1,234", "\"1,234\"", "94%", "—", "…", "万元", "亿元", "快报", "１２３", "-", "", " ", "a",
        ",", ",", ",", ",", ";", "\t", "\"", "\"\"", "'", "\n", "\n", "\n", "\r\n", "\r", "\uFEFF", "\u0000",
    ];

    private static readonly Gen<string> CsvText = Gen.Int[0, CsvTokens.Length - 1].Array[0, 160].Select(ix => string.Concat(ix.Select(i => CsvTokens[i])));

    /// <summary>A plausible table (header then rows), with a random share of rows damaged.</summary>
    private static readonly Gen<string> CsvTable =
        from rows in Gen.Select(Gen.Int[0, 3], Gen.Int[0, CsvTokens.Length - 1].Array[0, 8]).Array[0, 12]
        select "指标名称,期别,数值,单位\n" + string.Concat(rows.Select(r => r.Item1 switch
        {
            0 => string.Join(',', r.Item2.Select(i => CsvTokens[i])) + "\n",
            _ => $"数字经济核心产业增加值,{(r.Item2.Length > 0 ? CsvTokens[r.Item2[0]] : "2023年")},{r.Item2.Length},万元\n",
        }));

    private static readonly Gen<byte[]> CsvBytes = Gen.Frequency(
        (4, CsvText.Select(t => Encoding.UTF8.GetBytes(t))),
        (3, CsvTable.Select(t => Encoding.UTF8.GetBytes(t))),
        (1, CsvTable.Select(t => TextEncodings.Gb18030.GetBytes(t))),
        (2, Gen.Byte.Array[0, 400]),
        (2, from table in CsvTable
            from junk in Gen.Byte.Array[1, 6]
            from at in Gen.Double[0, 1]
            select Splice(Encoding.UTF8.GetBytes(table), junk, at)),
        (1, from table in CsvTable
            from cut in Gen.Double[0, 1]
            select Cut(Encoding.UTF8.GetBytes(table), cut)));

    private static readonly Gen<CsvSettings> Settings =
        from encoding in Gen.OneOf("auto", "utf-8", "gb18030")
        from delimiter in Gen.OneOf(',', ';', '\t')
        from quote in Gen.OneOf('"', '\'')
        from headerRow in Gen.Int[1, 3]
        select new CsvSettings(encoding, delimiter, quote, headerRow);

    [Fact]
    public void TableReader_GeneratedCsvFiles_ReadOrFailWithAClearError()
    {
        var samples = 0;
        var failures = 0;
        var records = 0;
        Gen.Select(CsvBytes, Settings).Sample((bytes, settings) =>
        {
            Interlocked.Increment(ref samples);
            var mapper = new RecordMapper(Mapping, Catalogue);
            try
            {
                // The service's own CSV path: the table reader with the plain layout a source without one gets.
                var options = new TableOptions(TableFormat.Csv, settings, null, TableLayout.Plain(settings.HeaderRow));
                foreach (var record in TableReader.Read(() => new MemoryStream(bytes), "fuzz.csv", options))
                {
                    var (observation, rejection) = mapper.Map(record);
                    Assert.True(observation is null != (rejection is null), "a record maps to exactly one of observation or rejection");
                    Interlocked.Increment(ref records);
                }
            }
            catch (InvalidDataException ex)
            {
                Assert.StartsWith("fuzz.csv", ex.Message, StringComparison.Ordinal);
                Interlocked.Increment(ref failures);
            }
        }, iter: Iterations, threads: 2, print: p => $"{Convert.ToBase64String(p.Item1)} {p.Item2}");

        // Both outcomes must be exercised, or the generator is not testing what it claims.
        Assert.True(samples >= Iterations, $"{samples} files");
        Assert.InRange(failures, 1, samples - 1);
        Assert.True(records > samples, $"only {records} records were read from {samples} files");
    }

    private static readonly Gen<string> JsonScalar = Gen.Frequency(
        (3, Gen.OneOf("\"数字经济核心产业增加值\"", "\"2023年\"", "\"2023年9月\"", "448.5", "-1e400", "1e999", "0", "true", "null", "\"\"", "\"…\"", "\"{\\\"data\\\":[1]}\"")),
        (1, Gen.String[0, 12].Select(s => System.Text.Json.JsonSerializer.Serialize(s))));

    private static readonly Gen<string> JsonValue = Gen.Recursive<string>((depth, inner) => depth >= 5
        ? JsonScalar
        : Gen.Frequency(
            (4, JsonScalar),
            (2, inner.Array[0, 4].Select(items => "[" + string.Join(',', items) + "]")),
            (3, Gen.Select(Gen.OneOf("data", "records", "value", "period", "indicator", "数值", "期别", "^x", "a.b", ""), inner).Array[0, 5]
                .Select(props => "{" + string.Join(',', props.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}")),
            (1, inner.Select(v => System.Text.Json.JsonSerializer.Serialize(v)))));

    /// <summary>The shape sources really send: an envelope holding records, with plausible and odd field values.</summary>
    private static readonly Gen<string> JsonEnvelope =
        from records in (
            from indicator in Gen.OneOf("\"数字经济核心产业增加值\"", "\"政务云上云率\"", "\"其他\"", "null", "1")
            from period in Gen.OneOf("\"2023年\"", "\"2023年9月\"", "\"2023-Q4\"", "\"明年\"", "2023", "null")
            from value in JsonScalar
            select $"{{\"indicator\":{indicator},\"period\":{period},\"value\":{value}}}").Array[0, 6]
        from wrapped in Gen.Bool
        let array = "[" + string.Join(',', records) + "]"
        select "{\"data\":" + (wrapped ? System.Text.Json.JsonSerializer.Serialize(array) : array) + "}";

    private static readonly Gen<byte[]> JsonBytes = Gen.Frequency(
        (4, JsonEnvelope.Select(v => Encoding.UTF8.GetBytes(v))),
        (4, JsonValue.Select(v => Encoding.UTF8.GetBytes(v))),
        (2, from v in JsonEnvelope
            from cut in Gen.Double[0, 1]
            select Cut(Encoding.UTF8.GetBytes(v), cut)),
        (2, from v in JsonEnvelope
            from junk in Gen.Byte.Array[1, 4]
            from at in Gen.Double[0, 1]
            select Splice(Encoding.UTF8.GetBytes(v), junk, at)),
        (1, Gen.Int[60, 70].Select(n => Encoding.UTF8.GetBytes(new string('[', n) + new string(']', n)))),
        (1, Gen.Byte.Array[0, 200]));

    private static readonly Gen<string> RecordsPath = Gen.Frequency(
        (3, Gen.OneOf("data", "$.data")),
        (1, Gen.OneOf("", "$", "data[*]", "data[*].value[*]", "records", "a.b", "data.records[*]", "[*]")));

    [Fact]
    public void JsonRecordReader_GeneratedBodies_ReadOrFailWithAClearError()
    {
        var samples = 0;
        var failures = 0;
        var records = 0;
        var mapping = Mapping with { Indicator = new FieldMap("indicator", null, Mapping.Indicator!.Codes), Period = new FieldMap("period", null), Value = new FieldMap("value", null) };
        Gen.Select(JsonBytes, RecordsPath).Sample((bytes, path) =>
        {
            Interlocked.Increment(ref samples);
            var mapper = new RecordMapper(mapping, Catalogue);
            try
            {
                using var document = JsonRecordReader.Parse(bytes, "http://fuzz/api");
                JsonRecordReader.Select(document.RootElement, path.Replace("[*]", string.Empty, StringComparison.Ordinal), "http://fuzz/api");
                foreach (var record in JsonRecordReader.Read(document.RootElement, path, "http://fuzz/api"))
                {
                    var (observation, rejection) = mapper.Map(record);
                    Assert.True(observation is null != (rejection is null), "a record maps to exactly one of observation or rejection");
                    Interlocked.Increment(ref records);
                }
            }
            catch (InvalidDataException ex)
            {
                Assert.StartsWith("http://fuzz/api", ex.Message, StringComparison.Ordinal);
                Interlocked.Increment(ref failures);
            }
        }, iter: Iterations, threads: 2, print: p => $"{Convert.ToBase64String(p.Item1)} {p.Item2}");

        Assert.True(samples >= Iterations, $"{samples} bodies");
        Assert.InRange(failures, 1, samples - 1);
        Assert.True(records > samples / 2, $"only {records} records were read from {samples} bodies");
    }

    private static byte[] Splice(byte[] bytes, byte[] junk, double at)
    {
        var index = (int)(at * bytes.Length);
        return [.. bytes.AsSpan(0, index), .. junk, .. bytes.AsSpan(index)];
    }

    private static byte[] Cut(byte[] bytes, double at) => bytes[..(int)(at * bytes.Length)];
}
