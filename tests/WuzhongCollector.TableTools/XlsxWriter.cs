using ClosedXML.Excel;

namespace WuzhongCollector.TableTools;

/// <summary>.xlsx through ClosedXML; rows and columns 1-based.</summary>
internal sealed class XlsxWriter : IWorkbookWriter
{
    private readonly XLWorkbook workbook = new();
    private IXLWorksheet? sheet;

    public void AddSheet(string name, bool hidden = false)
    {
        sheet = workbook.AddWorksheet(name);
        if (hidden)
        {
            sheet.Hide();
        }
    }

    public void Text(int row, int column, string text) => sheet!.Cell(row, column).SetValue<string>(text);

    public void Number(int row, int column, double value) => sheet!.Cell(row, column).SetValue(value);

    public void Formula(int row, int column, string formula) => sheet!.Cell(row, column).FormulaA1 = formula;

    public void Merge(int fromRow, int fromColumn, int toRow, int toColumn) => sheet!.Range(fromRow, fromColumn, toRow, toColumn).Merge();

    public void Save(string path) => workbook.SaveAs(path, new SaveOptions { EvaluateFormulasBeforeSaving = true });

    public void Dispose() => workbook.Dispose();
}
