using System.Net;
using System.Text;
using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.OpenData;

public sealed class RequestPlannerTests
{
    // 2024-03-01 02:00 UTC is 10:00 in Shanghai.
    private static readonly DateTimeOffset ShanghaiTen = new(2024, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["WUZHONG_SECRET_SIPOP_APP_KEY"] = "app-7",
        ["WUZHONG_SECRET_SIPOP_APP_SECRET"] = "sipop-app-secret",
        ["WUZHONG_SECRET_SD_CLIENT_ID"] = "client-7",
        ["WUZHONG_SECRET_SD_SECRET"] = "sd-secret",
        ["WUZHONG_SECRET_SH_TOKEN"] = "tok\"en/1",
    };

    private static CallContext Context => new(ShanghaiTen, "a1b2c3d4e5f60718", "http://127.0.0.1:5099/", name => Environment.GetValueOrDefault(name));

    private static HttpSettings Http(string block) => OpenDataKit.Source($"""
        kind: http-json
        schedule: {"{"} cron: "0 3 * * *" {"}"}
        http:
        {block}
        mapping: {"{"} indicator: {"{"} const: DE_VALID_INVENTION_PATENTS {"}"}, period: year, value: count {"}"}
        """, name => Environment.GetValueOrDefault(name)).Http!;

    [Fact]
    public void Plan_AppSign_SignsLikeSipop_Md5OfTimestampParamAndSecret()
    {
        var http = Http("""
              url: http://open.sipop.cn/dataplatpro/api/route
              method: POST
              form:
                method: patentBase.queryBasicInfo
                param: '{"patentNo":"CN112345678A"}'
                v: "1.0"
              auth: { type: app-sign, appKey: "{secret:SIPOP_APP_KEY}", appSecret: "{secret:SIPOP_APP_SECRET}" }
            """);

        var request = RequestPlanner.Plan(http, PageRequest.First(null), Context);

        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        var form = Encoding.UTF8.GetString(request.Content!).Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => WebUtility.UrlDecode(p[1]));
        Assert.Equal("app-7", form["appKey"]);
        Assert.Equal("2024-03-01 10:00:00", form["timestamp"]);
        // md5("2024-03-01 10:00:00" + '{"patentNo":"CN112345678A"}' + "sipop-app-secret"), computed independently.
        Assert.Equal("9dfd52aa2c16125493c6485e0aaa30d9", form["sign"]);
        Assert.Equal("""{"patentNo":"CN112345678A"}""", form["param"]);
    }

    [Fact]
    public void Plan_Hmac_SendsShandongHeaders()
    {
        var http = Http("""
              url: https://data.sd.gov.cn/gateway/api/1/tjj/get_datalist_page
              query: { PAGE: "{page}", PAGENUM: "{size}" }
              paging: { mode: page, size: 50 }
              auth: { type: hmac, clientId: "{secret:SD_CLIENT_ID}", secret: "{secret:SD_SECRET}" }
            """);

        var request = RequestPlanner.Plan(http, PageRequest.First(http.Paging) with { Number = 3 }, Context);

        Assert.Equal("https://data.sd.gov.cn/gateway/api/1/tjj/get_datalist_page?PAGE=3&PAGENUM=50", request.Url);
        Assert.Equal(
            [
                KeyValuePair.Create("X-Client-Id", "client-7"),
                KeyValuePair.Create("X-Timestamp", "1709258400000"),
                KeyValuePair.Create("X-Nonce", "a1b2c3d4e5f60718"),
                // Base64(HMAC-SHA256("client-7" + "1709258400000" + "a1b2c3d4e5f60718", "sd-secret")), computed independently.
                KeyValuePair.Create("X-Signature", "vVSUxUMlCgFkpdoyoY5F7/JjHd0OGd3w6kWi0Ed9CMs="),
            ],
            request.Headers);
    }

    [Fact]
    public void Plan_TokenAndTemplates_EscapeForWhereTheyGo()
    {
        var http = Http("""
              url: "{self}/demo/interface/12224/36129?year={now:yyyy}"
              method: POST
              body: '{"limit": {limit}, "offset": {offset}, "key": "{secret:SH_TOKEN}"}'
              paging: { mode: offset, size: 100 }
              auth: { type: token, token: "{secret:SH_TOKEN}" }
            """);

        var request = RequestPlanner.Plan(http, PageRequest.First(http.Paging) with { Offset = 200 }, Context);

        Assert.Equal("http://127.0.0.1:5099/demo/interface/12224/36129?year=2024", request.Url);
        Assert.Equal("""{"limit": 100, "offset": 200, "key": "tok\"en/1"}""", Encoding.UTF8.GetString(request.Content!));
        Assert.Equal(KeyValuePair.Create("token", "tok\"en/1"), Assert.Single(request.Headers));
        Assert.Equal("http://127.0.0.1:5099/demo/interface/12224/36129", request.Origin);
    }

    [Fact]
    public void Plan_MissingSecret_IsAConfigErrorNamingFileLineAndName_NeverAValue()
    {
        var http = Http("""
              url: https://data.sh.gov.cn/interface/12224/36129
              headers: { token: "{secret:SH_TOKEN}" }
            """);
        var withoutSecrets = Context with { Environment = _ => null };

        var failure = Assert.Throws<ConfigException>(() => RequestPlanner.Plan(http, PageRequest.First(null), withoutSecrets));

        Assert.Equal("test-source.yaml:5: http.headers.token: secret 'SH_TOKEN' is not set: set the environment variable WUZHONG_SECRET_SH_TOKEN", failure.Message);
    }

    [Fact]
    public void Origin_KeepsSecretsAndQueryOut()
    {
        var http = Http("""
              url: "https://api.example.org/{secret:SH_TOKEN}/data?appsecret={secret:SD_SECRET}"
            """);

        Assert.Equal("https://api.example.org/{secret:SH_TOKEN}/data", RequestPlanner.Origin(http, null));
    }
}
