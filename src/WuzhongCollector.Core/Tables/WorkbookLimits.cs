using System.IO.Compression;
using System.Xml;

namespace WuzhongCollector.Core.Tables;

/// <summary>
/// Bounds what an .xlsx may cost before ExcelDataReader opens it. Sheets are streamed row by row, but the
/// shared-strings part is loaded whole into memory, so a workbook that compresses plausibly (17:1) can still
/// hold hundreds of megabytes of strings for a one-row sheet. Both checks stream; neither keeps the data.
/// </summary>
public static class WorkbookLimits
{
    /// <summary>An .xlsx is a zip; one that expands past this is refused before reading (a zip bomb).</summary>
    public const long MaxExpandedBytes = 512L * 1024 * 1024;

    /// <summary>Distinct strings a workbook may share (each costs an object in memory). <value>500,000.</value></summary>
    public const int MaxSharedStrings = 500_000;

    /// <summary>Characters of the shared-strings part, markup included. <value>32 M (at most 64 MB as strings).</value></summary>
    public const long MaxSharedStringChars = 32L * 1024 * 1024;

    private const string SharedStringsPart = "xl/sharedStrings.xml";

    /// <summary>Refuses a zip bomb (from the directory, nothing inflated) and oversized shared strings (counted while streaming).</summary>
    public static void Check(Stream stream, string origin)
    {
        if (!stream.CanSeek || stream.Length < 4)
        {
            return;
        }

        var start = stream.Position;
        Span<byte> magic = stackalloc byte[2];
        stream.ReadExactly(magic);
        stream.Position = start;
        if (magic[0] != (byte)'P' || magic[1] != (byte)'K')
        {
            return;
        }

        string? refusal;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            refusal = ZipBomb(zip, origin) ?? SharedStrings(zip, origin);
        }
        catch (InvalidDataException)
        {
            // Not a readable zip: ExcelDataReader says what is wrong with it.
            refusal = null;
        }
        finally
        {
            stream.Position = start;
        }

        if (refusal is not null)
        {
            throw new InvalidDataException(refusal);
        }
    }

    /// <summary>More than <see cref="MaxExpandedBytes"/> in all, or a part that compresses implausibly well.</summary>
    private static string? ZipBomb(ZipArchive zip, string origin)
    {
        long expanded = 0;
        foreach (var entry in zip.Entries)
        {
            expanded += entry.Length;
            var ratio = entry.CompressedLength == 0 ? 0 : entry.Length / entry.CompressedLength;
            if (expanded > MaxExpandedBytes || (entry.Length > 16 * 1024 * 1024 && ratio > 1000))
            {
                return $"{origin}: the workbook's part '{entry.FullName}' expands to {entry.Length / (1024 * 1024)} MiB from {entry.CompressedLength / 1024} KiB; refused as a possible zip bomb";
            }
        }

        return null;
    }

    /// <summary>
    /// Counts the strings ExcelDataReader would keep, as it finds the part (by name, ignoring case), reading the
    /// inflated XML itself: the sizes in a zip's directory are the writer's claim, not a limit.
    /// </summary>
    private static string? SharedStrings(ZipArchive zip, string origin)
    {
        var entry = zip.Entries.FirstOrDefault(e => e.FullName.Replace('\\', '/').Equals(SharedStringsPart, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            return null;
        }

        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, MaxCharactersInDocument = MaxSharedStringChars, IgnoreWhitespace = true };
        var strings = 0;
        try
        {
            using var reader = XmlReader.Create(entry.Open(), settings);
            while (reader.Read())
            {
                if (reader is { NodeType: XmlNodeType.Element, Depth: 1, LocalName: "si" } && ++strings > MaxSharedStrings)
                {
                    return $"{origin}: the workbook shares more than {MaxSharedStrings} distinct strings ({SharedStringsPart}); "
                        + "this service reads smaller workbooks: save the sheet as CSV, or split it";
                }
            }
        }
        catch (XmlException ex) when (ex.Message.Contains(nameof(XmlReaderSettings.MaxCharactersInDocument), StringComparison.Ordinal))
        {
            return $"{origin}: the workbook's shared strings ({SharedStringsPart}) hold more than {MaxSharedStringChars / (1024 * 1024)} M characters; "
                + "this service reads smaller workbooks: save the sheet as CSV, or split it";
        }
        catch (XmlException)
        {
            // Malformed XML: ExcelDataReader says what is wrong with it.
        }

        return null;
    }
}
