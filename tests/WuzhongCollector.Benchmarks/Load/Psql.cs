using System.Diagnostics;
using Npgsql;

namespace WuzhongCollector.Benchmarks.Load;

/// <summary>psql, as an operator would load a file by hand: the limit is its \copy into one keyed table.</summary>
public static class Psql
{
    public static string Binary =>
        File.Exists("/usr/bin/psql") ? "/usr/bin/psql"
        : Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "psql")).Where(File.Exists).Order(StringComparer.Ordinal).LastOrDefault()
        ?? throw new InvalidOperationException("psql not found (apt-get install -y postgresql-client)");

    /// <summary>Runs psql commands against the database; returns the wall-clock seconds.</summary>
    public static async Task<double> RunAsync(string connectionString, CancellationToken cancellationToken, params string[] commands)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", b.Host!, "-p", b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", b.Username!, "-d", b.Database! })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var command in commands)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
        }

        if (!string.IsNullOrEmpty(b.Password))
        {
            start.Environment["PGPASSWORD"] = b.Password;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 ? clock.Elapsed.TotalSeconds : throw new InvalidOperationException($"psql failed: {await stderr}");
    }
}
