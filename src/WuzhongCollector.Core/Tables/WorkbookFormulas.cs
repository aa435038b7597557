using System.IO.Compression;
using System.Xml;

namespace WuzhongCollector.Core.Tables;

/// <summary>
/// Finds formula cells in an .xlsx workbook. The table reader takes the result a workbook stored for a formula,
/// which suits exports; a report must state its figures, not compute them from cells or other files the
/// service never sees, so a report with formulas is refused with the cells named.
/// </summary>
public static class WorkbookFormulas
{
    private const string SpreadsheetNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// <summary>The references (H5, …) of up to <paramref name="limit"/> formula cells; the zip-bomb check runs first.</summary>
    public static IReadOnlyList<string> Find(Stream stream, string origin, int limit = 5)
    {
        WorkbookLimits.Check(stream, origin);
        var found = new List<string>();
        var start = stream.Position;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
            {
                using var part = entry.Open();
                using var xml = XmlReader.Create(part, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true });
                string? cell = null;
                while (xml.Read() && found.Count < limit)
                {
                    if (xml.NodeType != XmlNodeType.Element || xml.NamespaceURI != SpreadsheetNs)
                    {
                        continue;
                    }

                    if (xml.LocalName == "c")
                    {
                        cell = xml.GetAttribute("r");
                    }
                    else if (xml.LocalName == "f")
                    {
                        found.Add(cell ?? "?");
                    }
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or XmlException)
        {
            throw new InvalidDataException($"{origin}: not an Excel workbook this service can read ({ex.Message})", ex);
        }
        finally
        {
            stream.Position = start;
        }

        return found;
    }
}
