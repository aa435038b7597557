namespace WuzhongCollector.TableTools;

/// <summary>Writes a small workbook cell by cell; one implementation per file format (.xlsx, .xls).</summary>
internal interface IWorkbookWriter : IDisposable
{
    void AddSheet(string name, bool hidden = false);

    /// <summary>Text stays text, never turned into a date or number ("2015-01", "1,056,000").</summary>
    void Text(int row, int column, string text);

    void Number(int row, int column, double value);

    /// <summary>A formula whose result the file stores, as Excel does when it saves.</summary>
    void Formula(int row, int column, string formula);

    void Merge(int fromRow, int fromColumn, int toRow, int toColumn);

    void Save(string path);
}
