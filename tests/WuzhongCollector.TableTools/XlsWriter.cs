using NPOI.HSSF.UserModel;
using NPOI.SS.UserModel;
using NPOI.SS.Util;

namespace WuzhongCollector.TableTools;

/// <summary>BIFF8 .xls through NPOI's HSSF; rows and columns 1-based like <see cref="XlsxWriter"/>.</summary>
internal sealed class XlsWriter : IWorkbookWriter
{
    private readonly HSSFWorkbook workbook = new();
    private ISheet? sheet;

    public void AddSheet(string name, bool hidden = false)
    {
        sheet = workbook.CreateSheet(name);
        if (hidden)
        {
            workbook.SetSheetHidden(workbook.GetSheetIndex(sheet), SheetState.Hidden);
        }
    }

    public void Text(int row, int column, string text) => Cell(row, column).SetCellValue(text);

    public void Number(int row, int column, double value) => Cell(row, column).SetCellValue(value);

    public void Formula(int row, int column, string formula) => Cell(row, column).SetCellFormula(formula.TrimStart('='));

    public void Merge(int fromRow, int fromColumn, int toRow, int toColumn) =>
        sheet!.AddMergedRegion(new CellRangeAddress(fromRow - 1, toRow - 1, fromColumn - 1, toColumn - 1));

    public void Save(string path)
    {
        // Stores each formula's result, as Excel does on save; readers see results, not formulas.
        HSSFFormulaEvaluator.EvaluateAllFormulaCells(workbook);
        using var file = File.Create(path);
        workbook.Write(file);
    }

    public void Dispose() => workbook.Close();

    private ICell Cell(int row, int column)
    {
        var r = sheet!.GetRow(row - 1) ?? sheet.CreateRow(row - 1);
        return r.GetCell(column - 1) ?? r.CreateCell(column - 1);
    }
}
