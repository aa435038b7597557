using Microsoft.Playwright;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>Headless Debian chromium through Playwright, closed with the session.</summary>
public sealed record ChromiumSession(IPlaywright Playwright, IBrowser Browser) : IAsyncDisposable
{
    public static async Task<ChromiumSession> LaunchAsync()
    {
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new ChromiumSession(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}
