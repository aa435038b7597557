using System.Text.Json;
using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.OpenData;

public sealed class EnvelopeAndPagingTests
{
    private static string? Check(string rule, string json)
    {
        using var document = JsonDocument.Parse(json);
        return EnvelopeRule.Parse(rule).Check(document.RootElement, "test");
    }

    [Fact]
    public void Check_ShanghaiEnvelope_FollowsJsonInsideAString()
    {
        const string Rule = """code == "000000" && data.state == true""";

        Assert.Null(Check(Rule, """{"code":"000000","data":"{\"state\":true,\"data\":[]}"}"""));
        Assert.Equal("data.state is false", Check(Rule, """{"code":"000000","data":"{\"state\":false,\"message\":\"无权限\"}"}"""));
        Assert.Equal("code is \"401\"", Check(Rule, """{"code":"401","msg":"sso not login."}"""));
        Assert.Equal("code is 0", Check(Rule, """{"code":0}"""));
        Assert.Equal("code is missing", Check(Rule, """{"status":"ok"}"""));
    }

    [Fact]
    public void Check_NumbersCompareAsNumbers_QuotedTextOnlyMatchesText()
    {
        Assert.Null(Check("returncode == 200", """{"returncode":200}"""));
        Assert.Null(Check("returncode == 200", """{"returncode":"200"}"""));
        Assert.Equal("code is 1000", Check("""code in ["1000", "1100"]""", """{"code":1000}"""));
        Assert.Null(Check("""code in ["1000", "1100"]""", """{"code":"1100","msg":"无结果"}"""));
        Assert.Null(Check("""success != false && code != "1001" """, """{"success":true,"code":"1000"}"""));
    }

    [Fact]
    public void TryParse_BadRules_SayWhatIsWrong()
    {
        Assert.False(EnvelopeRule.TryParse("code = 200", out _, out var noOperator));
        Assert.Equal("'code = 200' is not a comparison (path == value, path != value, path in [values] or path not in [values])", noOperator);
        Assert.False(EnvelopeRule.TryParse("code == ok", out _, out var bareWord));
        Assert.Equal("'ok' is not a value: quote text (\"000000\"), or write a number, true, false or null", bareWord);
        Assert.False(EnvelopeRule.TryParse("code in 1000", out _, out var noList));
        Assert.Equal("'in' needs a list such as [\"1000\", \"1100\"], not 1000", noList);
    }

    [Fact]
    public void Message_TakesTheFirstPresentPath()
    {
        using var document = JsonDocument.Parse("""{"code":"1004","msg":"签名错误","data":null}""");

        Assert.Equal("签名错误", EnvelopeRule.Message(document.RootElement, EnvelopeRule.DefaultMessagePaths, "t"));
    }

    private static readonly Paging Offset = new(PagingMode.Offset, 100, 0, "result.total", null, 5);

    [Fact]
    public void After_ShortPageWithoutTotal_Stops_ButAKnownTotalWins()
    {
        var first = PageRequest.First(Offset);

        var shortNoTotal = PageCursor.After(Offset, first, "https://h/a", 40, 40, null, null);
        // CKAN clamps an over-large limit: 40 of a requested 100 but 90 in all, so there is more.
        var clamped = PageCursor.After(Offset, first, "https://h/a", 40, 40, 90, null);
        var done = PageCursor.After(Offset, first with { Offset = 80 }, "https://h/a", 10, 90, 90, null);
        var empty = PageCursor.After(Offset, first, "https://h/a", 0, 0, null, null);

        Assert.Equal((null, "page 1 is short (40 of 100)"), (shortNoTotal.Next, shortNoTotal.Reason));
        Assert.Equal(40, clamped.Next!.Offset);
        Assert.Equal(2, clamped.Next.Index);
        Assert.Equal((null, "all 90 records read"), (done.Next, done.Reason));
        Assert.Equal((null, "page 1 is empty"), (empty.Next, empty.Reason));
    }

    [Fact]
    public void After_MorePagesThanMaxPages_Fails()
    {
        var fifth = PageRequest.First(Offset) with { Index = 5, Offset = 400 };

        var step = PageCursor.After(Offset, fifth, "https://h/a", 100, 500, null, null);

        Assert.Null(step.Next);
        Assert.Equal("more than 5 pages (paging.maxPages) and the source says there is more; raise maxPages or narrow the query", step.Failure);
    }

    [Fact]
    public void After_NextLinks_ResolveRelative_StopOnRepeat_AndNeverLeaveTheHost()
    {
        var next = new Paging(PagingMode.Next, 100, 1, null, "result._links.next", 10);
        var first = PageRequest.First(next);
        const string Here = "https://data.example.gov.cn/api/3/action/datastore_search?resource_id=7d16&limit=2";

        var relative = PageCursor.After(next, first, Here, 2, 2, null, "/api/3/action/datastore_search?offset=2&limit=2&resource_id=7d16");
        var repeat = PageCursor.After(next, first, Here, 2, 2, null, Here);
        var foreign = PageCursor.After(next, first, Here, 2, 2, null, "https://evil.example.com/steal");

        Assert.Equal("https://data.example.gov.cn/api/3/action/datastore_search?offset=2&limit=2&resource_id=7d16", relative.Next!.NextUrl);
        Assert.Equal("page 1 links to itself", repeat.Reason);
        Assert.Equal("the next link leads to another host (evil.example.com); not followed", foreign.Failure);
    }
}
