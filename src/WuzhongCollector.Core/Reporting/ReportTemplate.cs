using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Reporting;

/// <summary>
/// The built-in layout of a department's report: what the template writes and how an upload maps back, so no
/// admin writes a source file for it. One title row naming department and period, one header row, one row per
/// indicator. Filled files go through the same table reader, mapping and normalisation as every other source.
/// </summary>
public static class ReportTemplate
{
    public const string SheetName = "填报";
    public const string Code = "指标代码";
    public const string Name = "指标名称";
    public const string Unit = "单位";
    public const string PeriodColumn = "期别";
    public const string Target = "规划目标";
    public const string LastValue = "上次采用值";
    public const string LastNote = "上次采用值说明";
    public const string Value = "本期数值";
    public const string Status = "数据状态";
    public const string Remark = "备注";

    /// <summary>The columns, left to right; only <see cref="Value"/>, <see cref="Status"/> and <see cref="Remark"/> are for the department.</summary>
    public static readonly string[] Columns = [Code, Name, Unit, PeriodColumn, Target, LastValue, LastNote, Value, Status, Remark];

    /// <summary>The drop-down of the status column; what the department chooses is stored as normal, provisional or estimated.</summary>
    public static readonly string[] Statuses = ["公报", "快报", "预计"];

    public const int TitleRow = 1;
    public const int HeaderRow = 3;

    /// <summary>The source id of a department's submissions: every figure it delivers is stored under it.</summary>
    public static string SourceId(string department) => "report:" + department;

    /// <summary>The title a template carries; an upload with another title is another department's or period's template.</summary>
    public static string Title(string department, Period period) => $"吴中区数字经济指标填报表（{department}，{period.Id}）";

    public static readonly TableLayout Layout = new(null, Code, HeaderRows: 1, LabelColumn: Name);

    public static readonly RecordMapping Mapping = new(
        Indicator: new FieldMap(Code, null),
        Area: FieldMap.Constant(RecordMapping.WuzhongArea),
        Period: new FieldMap(PeriodColumn, null),
        Value: new FieldMap(Value, null),
        Unit: new FieldMap(Unit, null),
        Status: new FieldMap(Status, null));

    public static TableOptions Options(TableFormat format) => new(format, new CsvSettings(Encoding: "utf-8"), SheetName, Layout);
}
