using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace WuzhongCollector.Service.Database;

/// <summary>
/// A private PostgreSQL cluster made from the machine's binaries, so the service and the tests need no
/// set-up: its own folder, 127.0.0.1 and a port of its own, UTF8 with C.UTF-8. PostgreSQL refuses to run
/// as root, so as root it runs as the <c>postgres</c> system user. A second start reuses a running cluster.
/// Every role signs in with a password of its own (see <see cref="ClusterSecurity"/>).
/// </summary>
public sealed class EmbeddedPostgres
{
    private readonly EmbeddedPostgresOptions options;
    private readonly ClusterSecurity security;

    public EmbeddedPostgresOptions Options => options;
    private readonly ILogger logger;
    private readonly string root;
    private readonly string bin;

    public EmbeddedPostgres(EmbeddedPostgresOptions options, string defaultKey, ILogger logger)
    {
        this.options = options;
        this.logger = logger;
        root = options.DataDirectory ?? Path.Combine("/var/tmp/wuzhong-collector", Hash(defaultKey));
        bin = options.BinDirectory ?? FindBinDirectory();
        security = new ClusterSecurity(root);
    }

    public string Root => root;

    private string DataDirectory => Path.Combine(root, "data");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>True when this call started the cluster (and so may stop it).</summary>
    public bool StartedHere { get; private set; }

    public int Port { get; private set; }

    /// <summary>Connection string of the superuser, for creating databases in tests.</summary>
    public string AdminConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username={ClusterSecurity.Superuser};Password={security.Password(ClusterSecurity.Superuser)};Database=postgres;Pooling=false";

    /// <remarks>
    /// Sessions check every 2 s that their client is still there, even inside a long statement: a killed service's
    /// merge stops then, instead of holding its source's lock (and its run reading running) until it ends.
    /// </remarks>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={ClusterSecurity.AppRole};Password={security.Password(ClusterSecurity.AppRole)};Database={database};Maximum Pool Size=60;Include Error Detail=true;Options='-c client_connection_check_interval=2000'";

    /// <summary>The analysts' read-only role; its password is in <c>wuzhong_analyst.password</c> in the cluster folder.</summary>
    public string AnalystConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={ClusterSecurity.AnalystRole};Password={security.Password(ClusterSecurity.AnalystRole)};Database={database};Pooling=false";

    public async Task<string> EnsureRunningAsync(string database, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        // Serialise concurrent starts (two services, two test processes) on one cluster folder.
        await using (var gate = await AcquireStartLockAsync(cancellationToken))
        {
            await security.SecureFilesAsync(paths => IsRoot ? RunRawAsync("chown", ["postgres:postgres", .. paths], cancellationToken) : Task.CompletedTask);
            if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            {
                await InitAsync(cancellationToken);
            }

            Port = int.Parse(await File.ReadAllTextAsync(Path.Combine(root, "port"), cancellationToken), CultureInfo.InvariantCulture);
            if (IsRunning())
            {
                logger.LogInformation("Reusing the private PostgreSQL cluster in {Folder} on 127.0.0.1:{Port}", root, Port);
            }
            else
            {
                logger.LogInformation("Starting the private PostgreSQL cluster in {Folder} on 127.0.0.1:{Port}", root, Port);
                await RunAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(root, "postgres.log"), "-w", "-t", "60", "start"], cancellationToken);
                StartedHere = true;
            }

            // A trusting cluster still lets the superuser in without a password: set every password, then close the door.
            var upgrade = ClusterSecurity.TrustsAnyone(DataDirectory);
            await security.SetRolesAsync(AdminConnectionString, cancellationToken);
            if (upgrade)
            {
                await UpgradeAsync(cancellationToken);
            }

            await EnsureDatabaseAsync(database, cancellationToken);
        }

        return ConnectionString(database);
    }

    public async Task StopAsync()
    {
        if (IsRunning())
        {
            logger.LogInformation("Stopping the private PostgreSQL cluster in {Folder}", root);
            await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
        }
    }

    /// <summary>
    /// Stops the cluster once process <paramref name="pid"/> is gone, however it ends (even kill -9):
    /// a detached shell polls for it. Test runs use this, since the test host may be killed at the end.
    /// </summary>
    public void StopWhenProcessExits(int pid)
    {
        var stop = IsRoot
            ? $"runuser -u postgres -- '{Path.Combine(bin, "pg_ctl")}' -D '{DataDirectory}' -m fast stop"
            : $"'{Path.Combine(bin, "pg_ctl")}' -D '{DataDirectory}' -m fast stop";
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["bash", "-c", $"while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1"])
        {
            start.ArgumentList.Add(argument);
        }

        Process.Start(start)?.Dispose();
    }

    /// <summary>
    /// A cluster made before passwords: trusted every local user, its socket in the open folder. Its roles now have
    /// passwords; pg_hba.conf asks for them from the reload on; the socket moves to the closed directory at the next
    /// start (at once when this process started the cluster; meanwhile the old socket's folder is closed).
    /// </summary>
    private async Task UpgradeAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("The private PostgreSQL cluster in {Folder} trusted every local user; switching it to passwords (files *.password there)", root);
        ClusterSecurity.WriteHba(DataDirectory);
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), security.Settings, cancellationToken);
        await RunAsync("pg_ctl", ["-D", DataDirectory, "reload"], cancellationToken);
        if (StartedHere)
        {
            await RunAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(root, "postgres.log"), "-m", "fast", "-w", "-t", "60", "restart"], cancellationToken);
        }
    }

    /// <summary>Creates a database owned by the application role, if missing.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted} OWNER {ClusterSecurity.AppRole} TEMPLATE template0 ENCODING 'UTF8'", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
            }
        }
    }

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Creating a private PostgreSQL cluster in {Folder}", root);
        if (Directory.Exists(DataDirectory))
        {
            // A half-made cluster from an interrupted init: start again.
            Directory.Delete(DataDirectory, recursive: true);
        }

        await RunAsync("initdb", ["-D", DataDirectory, "--encoding=UTF8", "--locale=C.UTF-8", "-U", ClusterSecurity.Superuser, .. security.InitdbArguments], cancellationToken);
        var port = FreePort();
        var settings = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"port = {port}")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .Append(security.Settings)
            .AppendLine("max_connections = 300")
            .AppendLine("timezone = 'UTC'");
        if (options.Unsafe)
        {
            settings.AppendLine("fsync = off").AppendLine("synchronous_commit = off").AppendLine("full_page_writes = off");
        }

        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings.ToString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(root, "port"), port.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>
    /// After kill -9 the postmaster can linger as a zombie and pg_ctl still says "running", so check the
    /// process state ourselves.
    /// </summary>
    private bool IsRunning()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return false;
        }

        var first = File.ReadLines(pidFile).FirstOrDefault();
        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        var text = File.ReadAllText(stat);
        var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
        return state != "Z" && text.Contains("(postgres)", StringComparison.Ordinal);
    }

    private async Task<FileStream> AcquireStartLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, "start.lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(bin, tool);
        return IsRoot
            ? RunRawAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellationToken)
            : RunRawAsync(path, arguments, cancellationToken);
    }

    private static async Task RunRawAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Without a UTF-8 locale initdb silently makes a SQL_ASCII cluster and Chinese text breaks.
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["LC_ALL"] = "C.UTF-8";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        // pg_ctl -l sends the server's output to its log file, so these pipes close when the tool exits.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException("No PostgreSQL server binaries (initdb, pg_ctl) found under /usr/lib/postgresql/*/bin. Install PostgreSQL 15 or set ConnectionStrings__Collector.");
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
}
