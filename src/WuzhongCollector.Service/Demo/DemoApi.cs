namespace WuzhongCollector.Service.Demo;

/// <summary>
/// Open-data endpoints served by the service itself in Development, so the bundled demo sources have
/// real HTTP work on a machine with no internet. All figures are SAMPLE figures, not official data.
/// </summary>
public static class DemoApi
{
    private static int flakyCalls;

    public static IEndpointRouteBuilder MapDemoApi(this IEndpointRouteBuilder app)
    {
        var demo = app.MapGroup("/demo/opendata").ExcludeFromDescription();
        demo.MapOpenDataSamples();

        // A portal-style envelope (code "000000", data wrapped as a JSON string, as Shanghai's portal sends it).
        demo.MapGet("/gov-cloud", () => Results.Json(new
        {
            code = "000000",
            message = "成功 (示例数据 sample figures)",
            data = System.Text.Json.JsonSerializer.Serialize(new
            {
                total = 6,
                records = new object[]
                {
                    new { zbdm = "GOV_CLOUD_ADOPTION_RATE", dq = "320506", sj = "2021年", sz = "86.5", dw = "%", zt = "公报" },
                    new { zbdm = "GOV_CLOUD_ADOPTION_RATE", dq = "320506", sj = "2022年", sz = "94.0", dw = "%", zt = "公报" },
                    new { zbdm = "GOV_CLOUD_ADOPTION_RATE", dq = "320506", sj = "2023年", sz = "100", dw = "%", zt = "快报" },
                    new { zbdm = "GOV_EXTRANET_BACKBONE_BANDWIDTH", dq = "320506", sj = "2021年", sz = "10", dw = "Gbps", zt = "公报" },
                    new { zbdm = "GOV_EXTRANET_BACKBONE_BANDWIDTH", dq = "320506", sj = "2022年", sz = "20000", dw = "Mbps", zt = "公报" },
                    new { zbdm = "GOV_EXTRANET_BACKBONE_BANDWIDTH", dq = "320506", sj = "2023年", sz = "—", dw = "Gbps", zt = "快报" },
                },
            }),
        }));

        // Fails its first two calls after start with 503, so ops see a failed run and Hangfire's retry.
        demo.MapGet("/5g-base-stations", () => Interlocked.Increment(ref flakyCalls) <= 2
            ? Results.Problem("示例端点暂时不可用 (demo endpoint warming up)", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new
            {
                success = true,
                note = "示例数据 sample figures",
                data = new object[]
                {
                    new { indicator = "累计建成5G基站", area = "吴中区", period = "2021年", value = 3120, unit = "个" },
                    new { indicator = "累计建成5G基站", area = "吴中区", period = "2022年", value = 0.4215, unit = "万个" },
                    new { indicator = "累计建成5G基站", area = "吴中区", period = "2023年9月", value = 4630, unit = "个" },
                    new { indicator = "5G全覆盖行政村", area = "吴中区", period = "2022年", value = 84, unit = "个" },
                },
            }));
        return app;
    }
}
