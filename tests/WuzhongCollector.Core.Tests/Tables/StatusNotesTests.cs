using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Tests.Tables;

public sealed class StatusNotesTests
{
    [Fact]
    public void Parse_NotesNamingYearsAndMarks_CoverOnlyWhatTheyName()
    {
        var notes = StatusNotes.Parse(["注：2021、2022年为统计公报数，2023年为快报数；带※的为预计数。", "资料来源：区统计局"]);

        Assert.Equal(ObservationStatus.Normal, notes.For(Period.OfYear(2021)));
        Assert.Equal(ObservationStatus.Normal, notes.For(Period.OfYear(2022)));
        Assert.Equal(ObservationStatus.Provisional, notes.For(Period.YearToDate(2023, 9)));
        Assert.Equal(ObservationStatus.Estimated, notes.ForMark('※'));
        Assert.Null(notes.For(Period.OfYear(2020)));
        Assert.Null(notes.ForMark('*'));
    }

    [Fact]
    public void Parse_NoteWithoutYear_CoversTheWholeTable_AndScopeNotesSetNothing()
    {
        var notes = StatusNotes.Parse(["注：本表数据为快报数。", "注：统计口径为规模以上企业。"]);

        Assert.Equal(ObservationStatus.Provisional, notes.Table);
        Assert.Equal(ObservationStatus.Provisional, notes.For(Period.OfYear(2019)));
        Assert.Null(StatusNotes.Parse(["注：统计口径为规模以上企业。"]).Table);
    }
}
