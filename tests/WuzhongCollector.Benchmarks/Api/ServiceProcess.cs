using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WuzhongCollector.Benchmarks.Api;

/// <summary>
/// The service binary in a process of its own, in its API role (Collector:RunScheduler=false), as a second
/// instance beside the collector would run. Stopped by its own PID.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServiceProcess(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>CPU time the service process has used so far, all threads.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public static async Task<ServiceProcess> StartAsync(string connectionString, string configDirectory, CancellationToken cancellationToken)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "WuzhongCollector.Service.dll");
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Collector"] = connectionString;
        start.Environment["Collector__ConfigDirectory"] = configDirectory;
        start.Environment["Collector__RunScheduler"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        // Drain the pipes so a chatty child never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, baseUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with code {process.ExitCode} before answering");
            }

            try
            {
                using var response = await http.GetAsync(baseUrl + "/api/sources", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not up yet, or a first answer slower than 5 s on a loaded machine: ask again until the deadline.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                await service.DisposeAsync();
                throw new TimeoutException("the service did not answer within 90 s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
