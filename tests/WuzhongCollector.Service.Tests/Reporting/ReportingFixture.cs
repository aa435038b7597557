using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClosedXML.Excel;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WuzhongCollector.Service.Security;

namespace WuzhongCollector.Service.Tests.Reporting;

/// <summary>Hosts with the repository's config/reporting.yaml and users of two departments, and a client that reports like the page does.</summary>
public static class ReportingFixture
{
    public const string Kjj = "区科技局";
    public const string Gxj = "区工信局";
    public const string KjjUser = "kjj-zhang";
    public const string GxjUser = "gxj-li";
    public const string Password = "填报-Pa55-2023";
    private static readonly string Hash = PasswordHashes.Hash(Password);

    /// <summary>10 October 2023 (China): 2023-Q2 is past its due date, 2023-Q3 is due on 20 October.</summary>
    public static FakeTimeProvider Time() => new(new DateTimeOffset(2023, 10, 10, 2, 0, 0, TimeSpan.Zero));

    public static void WriteReportingConfig(this TestConfig config) =>
        File.Copy(Path.Combine(TestConfig.RepoRoot(), "config", "reporting.yaml"), Path.Combine(config.Directory, "reporting.yaml"), overwrite: true);

    public static Dictionary<string, string?> Users(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Security:Users:0:Name"] = KjjUser,
            ["Security:Users:0:PasswordHash"] = Hash,
            ["Security:Users:0:Role"] = "department",
            ["Security:Users:0:Department"] = Kjj,
            ["Security:Users:1:Name"] = GxjUser,
            ["Security:Users:1:PasswordHash"] = Hash,
            ["Security:Users:1:Role"] = "department",
            ["Security:Users:1:Department"] = Gxj,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task<CollectorHost> StartAsync(TestConfig config, TimeProvider? time = null, Dictionary<string, string?>? settings = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        config.WriteReportingConfig();
        return await CollectorHost.StartAsync(config, settings: Users(settings), timeProvider: time ?? Time(), configure: b =>
        {
            // Cookies and antiforgery tokens are protected with keys of this test alone, never the machine's key folder.
            b.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
            configure?.Invoke(b);
        });
    }

    /// <summary>Cells of a downloaded template, by indicator code and column name.</summary>
    public static void Fill(string path, Action<IXLWorksheet, Func<string, string, IXLCell>> fill)
    {
        using var workbook = new XLWorkbook(path);
        var sheet = workbook.Worksheet(Core.Reporting.ReportTemplate.SheetName);
        IXLCell Cell(string code, string column)
        {
            var row = sheet.RowsUsed().Single(r => r.Cell(1).GetString() == code).RowNumber();
            return sheet.Cell(row, Array.IndexOf(Core.Reporting.ReportTemplate.Columns, column) + 1);
        }

        fill(sheet, Cell);
        workbook.Save();
    }

    /// <summary>A workbook of one sheet, filled by <paramref name="fill"/>.</summary>
    public static byte[] Workbook(Action<IXLWorksheet> fill)
    {
        using var workbook = new XLWorkbook();
        fill(workbook.AddWorksheet("Sheet1"));
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    /// <summary>An .xlsx-shaped zip whose sheet inflates to 600 MiB of zeros from well under a megabyte.</summary>
    public static byte[] ZipBomb()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 600; i++)
            {
                sheet.Write(zeros);
            }
        }

        return buffer.ToArray();
    }
}

/// <summary>Reports over HTTP with a user's Basic credentials, carrying the antiforgery token as the page does.</summary>
public sealed class ReportClient : IDisposable
{
    private readonly HttpClient http;
    private string? field;
    private string? token;

    public ReportClient(CollectorHost host, string user, string password = ReportingFixture.Password)
    {
        http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(host.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = Credentials.Basic(user, password);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    public async Task<JsonElement> MeAsync()
    {
        var me = await http.GetFromJsonAsync<JsonElement>("/report/api/me");
        field = me.GetProperty("antiforgery").GetProperty("field").GetString();
        token = me.GetProperty("antiforgery").GetProperty("token").GetString();
        return me;
    }

    public async Task<byte[]> TemplateAsync(string department, string period)
    {
        using var response = await http.GetAsync($"/report/{Uri.EscapeDataString(department)}/template?period={period}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Checks (or, with <paramref name="confirm"/>, stores) a file or form fields; the status and the JSON answer.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> UploadAsync(string department, string period, byte[]? file = null,
        IReadOnlyDictionary<string, string>? fields = null, string? confirm = null, string fileName = "report.xlsx")
    {
        if (token is null)
        {
            await MeAsync();
        }

        using var form = new MultipartFormDataContent { { new StringContent(token!), field! }, { new StringContent(period), "period" } };
        if (file is not null)
        {
            var content = new ByteArrayContent(file);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            form.Add(content, "file", fileName);
        }

        foreach (var (key, value) in fields ?? new Dictionary<string, string>())
        {
            form.Add(new StringContent(value), key);
        }

        if (confirm is not null)
        {
            form.Add(new StringContent(confirm), "confirm");
        }

        using var response = await http.PostAsync($"/report/{Uri.EscapeDataString(department)}/upload", form);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    public void Dispose() => http.Dispose();
}
