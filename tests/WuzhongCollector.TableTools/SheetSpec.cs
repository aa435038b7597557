namespace WuzhongCollector.TableTools;

/// <summary>A formula cell; the file stores its result too.</summary>
internal sealed record F(string Formula);

/// <summary>
/// A sheet to write: rows of cells (string = text, double = number, <see cref="F"/> = formula, null = empty),
/// merged ranges as (fromRow, fromColumn, toRow, toColumn), 1-based.
/// </summary>
internal sealed record SheetSpec(string Name, object?[][] Rows, (int, int, int, int)[] Merges, bool Hidden = false)
{
    public static void Write(IWorkbookWriter writer, IEnumerable<SheetSpec> sheets, string path)
    {
        foreach (var sheet in sheets)
        {
            writer.AddSheet(sheet.Name, sheet.Hidden);
            for (var r = 0; r < sheet.Rows.Length; r++)
            {
                for (var c = 0; c < sheet.Rows[r].Length; c++)
                {
                    switch (sheet.Rows[r][c])
                    {
                        case string text:
                            writer.Text(r + 1, c + 1, text);
                            break;
                        case double number:
                            writer.Number(r + 1, c + 1, number);
                            break;
                        case int number:
                            writer.Number(r + 1, c + 1, number);
                            break;
                        case F formula:
                            writer.Formula(r + 1, c + 1, formula.Formula);
                            break;
                    }
                }
            }

            foreach (var (fromRow, fromColumn, toRow, toColumn) in sheet.Merges)
            {
                writer.Merge(fromRow, fromColumn, toRow, toColumn);
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        writer.Save(path);
    }
}
