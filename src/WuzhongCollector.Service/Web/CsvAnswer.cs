using System.Data;
using System.Data.Common;
using System.Text;
using Sylvan.Data.Csv;

namespace WuzhongCollector.Service.Web;

/// <summary>
/// Every CSV the API writes: UTF-8 with a BOM (so Excel reads Chinese as UTF-8), text cells quoted, and a text
/// cell that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) prefixed
/// with ' as OWASP recommends. Only text is escaped: numbers are typed columns and stay numbers, a negative
/// one included.
/// </summary>
public static class CsvAnswer
{
    private static readonly CsvDataWriterOptions Options = new() { QuoteStrings = CsvStringQuoting.AlwaysQuote };

    public static async Task<IResult> FileAsync(DataTable table, string fileName, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await WriteAsync(buffer, table, cancellationToken);
        return Results.File(buffer.ToArray(), "text/csv; charset=utf-8", fileName);
    }

    /// <summary>Writes the table as this CSV to <paramref name="body"/> (the answer cache keeps the bytes).</summary>
    public static async Task WriteAsync(Stream body, DataTable table, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(true), leaveOpen: true);
        await using var csv = CsvDataWriter.Create(writer, Options);
        await csv.WriteAsync(Escaped(table).CreateDataReader(), cancellationToken);
    }

    public static async Task<DataTable> ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var table = new DataTable { Locale = System.Globalization.CultureInfo.InvariantCulture };
        for (var i = 0; i < reader.FieldCount; i++)
        {
            table.Columns.Add(reader.GetName(i), reader.GetFieldType(i));
        }

        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync(cancellationToken))
        {
            reader.GetValues(values);
            table.Rows.Add(values);
        }

        return table;
    }

    /// <summary>The cell as a spreadsheet may safely open it.</summary>
    public static string Escape(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static DataTable Escaped(DataTable table)
    {
        var text = table.Columns.Cast<DataColumn>().Where(c => c.DataType == typeof(string)).ToList();
        foreach (DataRow row in table.Rows)
        {
            foreach (var column in text)
            {
                if (row[column] is string value)
                {
                    row[column] = Escape(value);
                }
            }
        }

        return table;
    }
}
