using System.Globalization;
using ClosedXML.Excel;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Reporting;

namespace WuzhongCollector.Service.Reporting;

/// <summary>The accepted figure a template shows for reference: its period, value, status and source.</summary>
public sealed record LastFigure(string Period, decimal Value, string Status, string Source);

/// <summary>
/// Writes a department's template (.xlsx) through ClosedXML: title, a hint, the header, one row per indicator due.
/// Every cell is locked (the sheet is protected, without a password: a guard against slips, not a secret) except
/// the value, status and remark columns; the status column has a 公报/快报/预计 drop-down. Text cells are written
/// as text, so 2023-Q3 never turns into a date.
/// </summary>
public static class ReportTemplateWriter
{
    public static byte[] Write(Obligation obligation, IReadOnlyDictionary<string, LastFigure> last)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet(ReportTemplate.SheetName);
        sheet.Cell(ReportTemplate.TitleRow, 1).SetValue<string>(ReportTemplate.Title(obligation.Department, obligation.Period));
        sheet.Cell(ReportTemplate.TitleRow, 1).Style.Font.SetBold().Font.SetFontSize(14);
        sheet.Cell(ReportTemplate.TitleRow + 1, 1).SetValue<string>(
            $"请在“{ReportTemplate.Value}”列填写数字，在“{ReportTemplate.Status}”列从下拉列表中选择；灰色单元格已锁定。报送截止：{obligation.Due:yyyy-MM-dd}。");

        var columns = ReportTemplate.Columns;
        for (var c = 0; c < columns.Length; c++)
        {
            sheet.Cell(ReportTemplate.HeaderRow, c + 1).SetValue<string>(columns[c]);
        }

        var header = sheet.Range(ReportTemplate.HeaderRow, 1, ReportTemplate.HeaderRow, columns.Length);
        header.Style.Font.SetBold().Fill.SetBackgroundColor(XLColor.LightGray);

        var row = ReportTemplate.HeaderRow;
        foreach (var item in obligation.Rows)
        {
            row++;
            var indicator = item.Indicator;
            Text(sheet, row, ReportTemplate.Code, indicator.Code);
            Text(sheet, row, ReportTemplate.Name, indicator.NameZh);
            Text(sheet, row, ReportTemplate.Unit, indicator.Unit);
            Text(sheet, row, ReportTemplate.PeriodColumn, item.Period.Id);
            Text(sheet, row, ReportTemplate.Target, string.Join("；", indicator.Targets.Select(t =>
                $"{Symbol(t.Comparator)} {t.Value.ToString(CultureInfo.InvariantCulture)}（{t.Year}年）")));
            if (last.TryGetValue(indicator.Code, out var figure))
            {
                sheet.Cell(row, Column(ReportTemplate.LastValue)).SetValue(figure.Value);
                Text(sheet, row, ReportTemplate.LastNote, $"{figure.Period} · {StatusZh(figure.Status)} · {figure.Source}");
            }

            sheet.Range(row, 1, row, Column(ReportTemplate.LastNote)).Style.Fill.SetBackgroundColor(XLColor.FromArgb(0xF2, 0xF2, 0xF2));
        }

        if (row > ReportTemplate.HeaderRow)
        {
            var editable = sheet.Range(ReportTemplate.HeaderRow + 1, Column(ReportTemplate.Value), row, Column(ReportTemplate.Remark));
            editable.Style.Protection.SetLocked(false);
            var status = sheet.Range(ReportTemplate.HeaderRow + 1, Column(ReportTemplate.Status), row, Column(ReportTemplate.Status)).SetDataValidation();
            status.List("\"" + string.Join(",", ReportTemplate.Statuses) + "\"", true);
            status.ErrorStyle = XLErrorStyle.Stop;
            status.ErrorTitle = "数据状态";
            status.ErrorMessage = "请选择 公报、快报 或 预计";
            status.ShowErrorMessage = true;
        }

        int[] widths = [30, 36, 8, 18, 22, 14, 34, 14, 10, 24];
        for (var c = 0; c < widths.Length; c++)
        {
            sheet.Column(c + 1).Width = widths[c];
        }

        sheet.SheetView.FreezeRows(ReportTemplate.HeaderRow);
        sheet.Protect();
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    public static string StatusZh(string status) => status switch
    {
        "normal" => "公报",
        "provisional" => "快报",
        "estimated" => "预计",
        "break" => "口径调整",
        _ => status,
    };

    private static int Column(string name) => Array.IndexOf(ReportTemplate.Columns, name) + 1;

    private static void Text(IXLWorksheet sheet, int row, string column, string text) => sheet.Cell(row, Column(column)).SetValue<string>(text);

    private static string Symbol(Comparator comparator) => comparator switch
    {
        Comparator.AtLeast => "≥",
        Comparator.MoreThan => ">",
        _ => "≤",
    };
}
