using System.Text;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Tests.Tables;

/// <summary>
/// Broken and hostile CSV files through the table reader the service uses: each gets an
/// <see cref="InvalidDataException"/> that names the file and row, and reading never holds more than a bounded
/// amount of the input in memory. (These were the flat CSV reader's tests; that reader is gone.)
/// </summary>
public sealed class HostileCsvTests
{
    private const string Header = "指标名称,期别,数值\n";
    private const string Table = "指标名称,期别,数值\n数字经济核心产业增加值,2021年,389.2\n星级上云企业,2022年,188\n";

    public static TheoryData<string, byte[]> Encodings() => new()
    {
        { "utf-8 with BOM", [.. new byte[] { 0xEF, 0xBB, 0xBF }, .. Encoding.UTF8.GetBytes(Table)] },
        { "utf-8 without BOM", Encoding.UTF8.GetBytes(Table) },
        { "gb18030", TextEncodings.Gb18030.GetBytes(Table) },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Read_AnyEncoding_GivesTheSameChineseRecords(string name, byte[] bytes)
    {
        var records = Read(() => new MemoryStream(bytes), name);

        Assert.Equal(2, records.Count);
        Assert.Equal("数字经济核心产业增加值", records[0].Get("指标名称"));
        Assert.Equal("2022年", records[1].Get("期别"));
        Assert.Equal($"{name} row 3 column '数值'", records[1].Where("数值"));
    }

    [Fact]
    public void Read_EmptyFile_IsAClearError()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(""));

        Assert.Equal("f.csv: the file is empty (no header row)", error.Message);
    }

    [Fact]
    public void Read_UnclosedQuote_NamesTheRow()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read("a,b\n1,2\n3,\"4\n"));

        Assert.StartsWith("f.csv row 3: malformed CSV", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HugeLine_IsAClearError_AndMemoryStaysBounded()
    {
        // 64 MiB of one field, produced on the fly: the file never exists in memory as a whole.
        var stream = new GeneratedStream(Encoding.UTF8.GetBytes(Header + "数字经济核心产业增加值,2023年,"), (byte)'9', 64L * 1024 * 1024);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidDataException>(() => Read(() => stream, "huge.csv"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal("huge.csv row 2: a record is longer than 1 MiB; the file is not a table this source can read", error.Message);
        Assert.True(allocated < 32L * 1024 * 1024, $"reading allocated {allocated / (1024 * 1024)} MiB for a 64 MiB line");
        Assert.True(stream.Position < 16L * 1024 * 1024, $"the reader went on to byte {stream.Position} of a line it had to refuse");
    }

    [Fact]
    public void Read_HugeTitleLineAboveTheHeader_IsAClearError_AndMemoryStaysBounded()
    {
        var stream = new GeneratedStream([], (byte)'x', 64L * 1024 * 1024);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidDataException>(() => Read(() => stream, "title.csv", new CsvSettings(HeaderRow: 2)));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal("title.csv row 1: a record is longer than 1 MiB; the file is not a table this source can read", error.Message);
        Assert.True(allocated < 32L * 1024 * 1024, $"reading allocated {allocated / (1024 * 1024)} MiB");
    }

    [Fact]
    public void Read_InvalidUtf8_InAFileDeclaredUtf8_NamesTheRowAndColumn()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "数字经济核心产业增加值,2022年,448.5\n数字经济核心产业增加值,2023年,")
            .Concat(new byte[] { 0xC3, 0x28, (byte)'\n' }).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => Read(() => new MemoryStream(bytes), "bad.csv", new CsvSettings(Encoding: "utf-8")));

        Assert.Equal("bad.csv row 3 column 3: bytes that are not valid utf-8 text; is the file in another encoding (set file.encoding) or cut off?", error.Message);
    }

    [Fact]
    public void Read_InvalidUtf8_PastTheEncodingSample_IsAnErrorNotReplacementCharacters()
    {
        // The first 64 KiB are valid UTF-8, so "auto" picks UTF-8; the bad bytes come after.
        var rows = new StringBuilder(Header);
        for (var i = 0; rows.Length < 40_000; i++)
        {
            rows.Append("数字经济核心产业增加值,").Append(2000 + (i % 20)).Append("年,").Append(i).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(rows.ToString()).Concat(new byte[] { 0xFF, 0xFE, (byte)',', (byte)'1', (byte)',', (byte)'2', (byte)'\n' }).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => Read(() => new MemoryStream(bytes), "late.csv"));

        Assert.StartsWith($"late.csv row {rows.ToString().Count(c => c == '\n') + 1} column 1: bytes that are not valid utf-8 text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderOnly_IsAClearError()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(Header));

        Assert.Equal("f.csv: the file has a header row but no data rows", error.Message);
    }

    [Fact]
    public void Read_FileCutOffMidRow_IsAClearError()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(Header + "数字经济核心产业增加值,2022年,448.5\n数字经济核心产业增加值,2023"));

        Assert.Equal("f.csv row 3: 2 field(s) where the header has 3; is the file truncated?", error.Message);
    }

    [Fact]
    public void Read_FileCutOffInsideAMultiByteCharacter_IsAClearError()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "数字经济核心产业增加值,2022年,448.5\n数字经济");
        var cut = bytes[..^1];

        var error = Assert.Throws<InvalidDataException>(() => Read(() => new MemoryStream(cut), "cut.csv", new CsvSettings(Encoding: "utf-8")));

        Assert.StartsWith("cut.csv row 3 column 1: bytes that are not valid utf-8 text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnquotedThousandsSeparator_IsAnErrorNotAShiftedValue()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(Header + "数字经济核心产业增加值,2022年,4,485\n"));

        Assert.Equal("f.csv row 2: 4 fields where the header has 3; is a value holding the delimiter left unquoted?", error.Message);
    }

    [Fact]
    public void Read_TrailingDelimitersAndBlankRows_AreAccepted()
    {
        var records = Read(Header + "数字经济核心产业增加值,2022年,448.5,,\n,,\n\n数字经济核心产业增加值,2023年,520\n");

        Assert.Equal(["448.5", "520"], records.Select(r => r.Get("数值")));
        Assert.Equal(["row 2", "row 5"], records.Select(r => r.Position));
    }

    private static List<RawRecord> Read(string text) => Read(() => new MemoryStream(Encoding.UTF8.GetBytes(text)), "f.csv");

    /// <summary>The service's CSV path: the table reader with the plain layout a source without one gets.</summary>
    private static List<RawRecord> Read(Func<Stream> open, string origin, CsvSettings? settings = null)
    {
        settings ??= new CsvSettings();
        return TableReader.Read(open, origin, new TableOptions(TableFormat.Csv, settings, null, TableLayout.Plain(settings.HeaderRow))).ToList();
    }

    /// <summary>A seekable stream of a prefix followed by one byte repeated: a huge file that is never materialised.</summary>
    private sealed class GeneratedStream(byte[] prefix, byte filler, long fillerLength) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + fillerLength;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, Length - Position);
            for (var i = 0; i < n; i++)
            {
                var at = Position + i;
                buffer[offset + i] = at < prefix.Length ? prefix[at] : filler;
            }

            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
