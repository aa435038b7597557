using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>
/// The built service as a real child process (<c>dotnet WuzhongCollector.Service.dll</c>), for tests that kill
/// it with SIGKILL or stop it with SIGTERM. Its console output is kept for assertions and failure messages.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private ServiceProcess(Process process)
    {
        this.process = process;
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved as they arrived.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    /// <summary>
    /// Starts the service against <paramref name="connectionString"/> with the config folder
    /// <paramref name="configDirectory"/>, on a free loopback port. A 30 s sliding invisibility timeout (the
    /// smallest the options allow) brings a killed job back quickly. A setting with an empty value is left unset.
    /// </summary>
    public static ServiceProcess Start(string connectionString, string configDirectory, IDictionary<string, string>? settings = null, IEnumerable<string>? arguments = null)
    {
        var directory = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, "WuzhongCollector.Service.dll"));
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Collector"] = connectionString,
            ["Collector__ConfigDirectory"] = configDirectory,
            ["Urls"] = "http://127.0.0.1:0",
            ["Collector__InvisibilityTimeout"] = "00:00:30",
            ["Collector__QueuePollInterval"] = "00:00:00.200",
            ["Collector__RetryDelaysSeconds__0"] = "2",
            ["Collector__RetryDelaysSeconds__1"] = "2",
            ["Collector__RetryDelaysSeconds__2"] = "2",
            ["Collector__TriggerNewSourcesOnStart"] = "true",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            if (value.Length == 0)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var child = new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the service"));
        child.process.OutputDataReceived += (_, e) => child.Collect(e.Data);
        child.process.ErrorDataReceived += (_, e) => child.Collect(e.Data);
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until a line containing <paramref name="fragment"/> appears; fails with the output so far.</summary>
    public async Task<string> WaitForOutputAsync(string fragment, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var line = output.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException($"'{fragment}' not seen within {seconds} s (exited: {process.HasExited}); output:{Environment.NewLine}{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>kill -9: no shutdown code runs, open transactions die with the process's connections.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd or docker stop sends: the host shuts down gracefully.</summary>
    public void Terminate()
    {
        if (Kill(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {process.Id} failed with errno {Marshal.GetLastWin32Error()}");
        }
    }

    public async Task<int> WaitForExitAsync(int seconds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the service did not exit within {seconds} s; output:{Environment.NewLine}{Output}");
        }

        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
