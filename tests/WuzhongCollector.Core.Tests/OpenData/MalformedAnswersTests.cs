using System.Text.Json;
using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.OpenData;

public sealed class MalformedAnswersTests
{
    private static readonly string[] Answers =
    [
        "{}", "[]", "\"text\"", "42", "null",
        """{"data":"x"}""", """{"data":[1,"a",null,{"values":"x"}]}""", """{"data":[{"code":7,"values":[{"value":{"a":1},"da":[]}]}]}""",
        """{"returndata":"x"}""", """{"returndata":{"datanodes":[1,{"wds":[{"wdcode":"zb"},{"wdcode":"zb"}]}],"wdnodes":[{"nodes":"x"}]}}""",
        """{"dataSets":[{"structure":"x"}]}""", """{"dataSets":[{"structure":1.5,"series":{"a":1}}],"structure":{}}""",
        """{"dataSets":[{"series":{"0":{"observations":{"0":"x"}}}}],"structure":{"dimensions":{"series":[{"id":"A","values":[{"id":"a"}]}]}}}""",
        """{"dataSets":[{"observations":{"x:y":[1]}}],"structure":{"dimensions":{"observation":[{"id":"A"},{"id":"B"}]}}}""",
        """{"class":"dataset","id":[1],"size":["a"],"dimension":{},"value":[]}""",
        """{"class":"dataset","id":["A"],"size":[2],"dimension":{"A":{"category":{"index":{"a":"x","b":1}}}},"value":[1,2]}""",
        """{"class":"dataset","id":["A"],"size":[1],"dimension":{"A":{"category":{"index":["a"]}}},"value":{"-1":5}}""",
        """{"class":"dataset","id":["A"],"size":[1],"dimension":{"A":{"category":{"index":["a"]}}},"value":[1,2,3]}""",
    ];

    public static TheoryData<SourceKind> HttpKinds => new(SourceKinds.Http);

    [Theory]
    [MemberData(nameof(HttpKinds))]
    public void Read_AnswersOfTheWrongShape_FailAsPayloadErrorsOnly(SourceKind kind)
    {
        var http = new HttpSettings("https://x.example/api", "POST", new Dictionary<string, string>(), """{"das":[{"value":"320000000000"}]}""", "data", Resilience.Default)
        {
            Query = new Dictionary<string, string> { ["wds"] = """[{"wdcode":"reg","valuecode":"320000"}]""" },
        };

        foreach (var answer in Answers)
        {
            using var document = JsonDocument.Parse(answer);
            try
            {
                _ = OpenDataReader.Read(kind, http, document.RootElement, "api");
            }
            catch (PayloadException ex)
            {
                Assert.StartsWith("api", ex.Message, StringComparison.Ordinal);
            }
        }
    }
}
