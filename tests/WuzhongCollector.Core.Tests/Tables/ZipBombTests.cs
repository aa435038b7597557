using System.IO.Compression;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Tests.Tables;

public sealed class ZipBombTests
{
    /// <summary>An .xlsx-shaped zip whose sheet inflates to 1 GiB of zeros from about 1 MiB.</summary>
    private static byte[] ZipBombWorkbook()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
            {
                types.Write("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
            }

            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1024; i++)
            {
                sheet.Write(zeros);
            }
        }

        return buffer.ToArray();
    }

    [Fact]
    public void Read_ZipBombWorkbook_IsRefusedBeforeInflating_InBoundedMemory()
    {
        var bytes = ZipBombWorkbook();
        var options = new TableOptions(TableFormat.Excel, new CsvSettings(), null, TableLayout.Plain(1));
        var memoryBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidDataException>(() => TableReader.Read(() => new MemoryStream(bytes), "bomb.xlsx", options).ToList());

        Assert.StartsWith("bomb.xlsx: the workbook's part 'xl/worksheets/sheet1.xml' expands to 1024 MiB from ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" KiB; refused as a possible zip bomb", error.Message, StringComparison.Ordinal);
        Assert.True(bytes.Length < 4 * 1024 * 1024, $"the bomb itself is {bytes.Length} bytes");
        // Only the zip directory was read: far less allocated than the 1 GiB the sheet would inflate to.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - memoryBefore < 64L * 1024 * 1024, "reading the directory must not inflate the sheet");
    }
}
