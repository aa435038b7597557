using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace WuzhongCollector.Benchmarks.EndToEnd;

/// <summary>What pandas did with the same file, or why it could not run.</summary>
public sealed record PandasResult(int Rows, double Seconds, string Versions, string? Missing)
{
    public bool Ran => Missing is null;
}

/// <summary>
/// Runs pandas_load.py with Debian's python3 (/usr/bin/python3), where apt puts python3-pandas,
/// python3-sqlalchemy and python3-psycopg2; another python3 first on PATH (pyenv) would not see them.
/// </summary>
public static class PandasLoad
{
    public const string Install = "apt-get install -y python3-pandas python3-sqlalchemy python3-psycopg2";

    public static async Task<PandasResult> RunAsync(string csvPath, string connectionString, bool keyed, CancellationToken cancellationToken)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var script = Path.Combine(AppContext.BaseDirectory, "EndToEnd", "pandas_load.py");
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(csvPath);
        start.ArgumentList.Add(SqlAlchemyUrl(connectionString));
        start.ArgumentList.Add(keyed ? "pandas_keyed" : "pandas_load");
        if (keyed)
        {
            start.ArgumentList.Add("keyed");
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new PandasResult(0, 0, "", $"no python3 ({ex.Message}); {Install}");
        }

        using (process)
        {
            var stdout = process!.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode == 3)
            {
                return new PandasResult(0, 0, "", $"{(await stderr).Trim()} in {python}; {Install}");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pandas load failed with exit code {process.ExitCode}: {await stderr}");
            }

            var line = (await stdout).Trim().Split('\n')[^1];
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return new PandasResult(root.GetProperty("rows").GetInt32(), root.GetProperty("seconds").GetDouble(), root.GetProperty("versions").GetString()!, null);
        }
    }

    private static string SqlAlchemyUrl(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var password = string.IsNullOrEmpty(b.Password) ? "" : ":" + Uri.EscapeDataString(b.Password);
        return $"postgresql+psycopg2://{Uri.EscapeDataString(b.Username!)}{password}@{b.Host}:{b.Port}/{Uri.EscapeDataString(b.Database!)}";
    }
}
