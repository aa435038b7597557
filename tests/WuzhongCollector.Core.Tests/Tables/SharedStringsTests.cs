using System.IO.Compression;
using System.Text;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Tests.Tables;

/// <summary>
/// ExcelDataReader loads an .xlsx's whole shared-strings part into memory, so a one-row sheet with a huge part
/// (compressing plausibly, so the zip-bomb check lets it through) could take the service to gigabytes. The part
/// is counted while streaming, before ExcelDataReader opens the workbook.
/// </summary>
public sealed class SharedStringsTests
{
    private static readonly TableOptions Options = new(TableFormat.Excel, new CsvSettings(), null, TableLayout.Plain(1));

    [Fact]
    public void Read_FewSharedStrings_ReadsTheSheet()
    {
        var bytes = Workbook(strings: 1000, length: 20);

        var record = Assert.Single(TableReader.Read(() => new MemoryStream(bytes), "small.xlsx", Options));

        Assert.Equal("1", record.Get("s0000001-xxxxxxxxxxx"));
    }

    [Fact]
    public void Read_TooManySharedStrings_IsRefusedBeforeTheWorkbookIsOpened()
    {
        var bytes = Workbook(strings: WorkbookLimits.MaxSharedStrings + 1, length: 8);

        var error = Assert.Throws<InvalidDataException>(() => TableReader.Read(() => new MemoryStream(bytes), "many.xlsx", Options).ToList());

        Assert.Equal($"many.xlsx: the workbook shares more than {WorkbookLimits.MaxSharedStrings} distinct strings (xl/sharedStrings.xml); "
            + "this service reads smaller workbooks: save the sheet as CSV, or split it", error.Message);
    }

    [Fact]
    public void Read_SharedStringsOverTheCharacterLimit_AreRefused_ThoughTheZipRatioIsPlausible()
    {
        // 100,000 strings of 400 characters: 40 M characters, under the count limit, compressing about 4:1 (the zip-bomb
        // check refuses only ratios over 1000:1).
        var bytes = Workbook(strings: 100_000, length: 400);

        var error = Assert.Throws<InvalidDataException>(() => TableReader.Read(() => new MemoryStream(bytes), "long.xlsx", Options).ToList());

        Assert.Equal("long.xlsx: the workbook's shared strings (xl/sharedStrings.xml) hold more than 32 M characters; "
            + "this service reads smaller workbooks: save the sheet as CSV, or split it", error.Message);
    }

    /// <summary>
    /// A valid one-sheet workbook whose header row names shared strings 1 and 2, whose data row is one shared string
    /// and a number, and whose shared-strings part holds <paramref name="strings"/> distinct strings.
    /// </summary>
    private static byte[] Workbook(int strings, int length)
    {
        const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Part(string name, string xml)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open(), new UTF8Encoding(false));
                writer.Write(xml);
            }

            Part("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>
                """);
            Part("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """);
            Part("xl/workbook.xml", $"""
                <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{Main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                <sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>
                """);
            Part("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>
                """);
            Part("xl/worksheets/sheet1.xml", $"""
                <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData>
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
                <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1</v></c></row>
                </sheetData></worksheet>
                """);
            using var sharedStrings = new StreamWriter(zip.CreateEntry("xl/sharedStrings.xml", CompressionLevel.Fastest).Open(), new UTF8Encoding(false));
            sharedStrings.Write($"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}" count="{strings}" uniqueCount="{strings}">""");
            var random = new Random(12);
            var filler = new char[Math.Max(0, length - 9)];
            for (var i = 0; i < strings; i++)
            {
                // Distinct and varied text, so the part compresses like real text rather than like a zip bomb.
                for (var c = 0; c < filler.Length; c++)
                {
                    filler[c] = i < 3 ? 'x' : (char)('a' + random.Next(4));
                }

                sharedStrings.Write($"<si><t>s{i:D7}-{new string(filler)}</t></si>");
            }

            sharedStrings.Write("</sst>");
        }

        return buffer.ToArray();
    }
}
