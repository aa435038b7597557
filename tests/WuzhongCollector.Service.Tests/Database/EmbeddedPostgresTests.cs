using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Service.Tests.Database;

public sealed class EmbeddedPostgresTests
{
    [EmbeddedFact]
    public async Task EnsureRunning_ClusterIsUtf8WithCUtf8_AndKeepsChineseText()
    {
        var embedded = await TestServer.EmbeddedAsync();
        await using var connection = new NpgsqlConnection(embedded!.AdminConnectionString);
        await connection.OpenAsync();

        var (encoding, collate) = await connection.QuerySingleAsync<(string, string)>(
            "SELECT pg_encoding_to_char(encoding), datcollate FROM pg_database WHERE datname = 'template1'");
        var echoed = await connection.ExecuteScalarAsync<string>("SELECT @text", new { text = "数字经济核心产业增加值（亿元）" });

        Assert.Equal(("UTF8", "C.UTF-8"), (encoding, collate));
        Assert.Equal("数字经济核心产业增加值（亿元）", echoed);
    }

    /// <summary>A killed service's session inside a long statement ends within seconds, not when the statement does (see the ops guide's recovery).</summary>
    [EmbeddedFact]
    public async Task AppSessions_CheckEvery2sThatTheirClientIsStillThere()
    {
        var embedded = await TestServer.EmbeddedAsync();
        await using var connection = new NpgsqlConnection(embedded!.ConnectionString("postgres"));
        await connection.OpenAsync();

        Assert.Equal("2s", await connection.ExecuteScalarAsync<string>("SHOW client_connection_check_interval"));
    }

    [EmbeddedFact]
    public async Task EnsureRunning_SecondStart_ReusesTheRunningCluster()
    {
        var first = await TestServer.EmbeddedAsync();
        var second = new EmbeddedPostgres(new EmbeddedPostgresOptions { DataDirectory = first!.Root }, "unused", NullLogger.Instance);
        var connectionString = await second.EnsureRunningAsync("reuse_check", CancellationToken.None);

        Assert.False(second.StartedHere);
        Assert.Equal(first.Port, second.Port);
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT 1"));
    }

    [Fact]
    public async Task Migrate_ThreeInstancesAtOnce_ApplyEachScriptOnce()
    {
        var connectionString = await TestServer.CreateDatabaseAsync("migrate");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None)));

        await using var connection = await dataSource.OpenConnectionAsync();
        var scripts = (await connection.QueryAsync<string>("SELECT name FROM schema_script")).ToList();
        Assert.Equal(scripts.Distinct().Count(), scripts.Count);
        Assert.Contains("001_core.sql", scripts);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'observation'"));
    }

    /// <summary>
    /// The start-up race, made certain: another instance has created the script table but not yet committed, so
    /// this one's CREATE TABLE IF NOT EXISTS waits for it and then fails on the catalogue (42P07, 42710 or 23505,
    /// depending on where it collides). The table is there then, and the migration goes on.
    /// </summary>
    [Fact]
    public async Task Migrate_WhileAnotherInstanceCreatesTheScriptTable_GoesOnOnceItExists()
    {
        var connectionString = await TestServer.CreateDatabaseAsync("migrate_race");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var other = await dataSource.OpenConnectionAsync();
        await using var creating = await other.BeginTransactionAsync();
        await other.ExecuteAsync("CREATE TABLE schema_script (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", transaction: creating);

        var migrating = SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None);
        // Asked on a connection of its own: a transaction sees one snapshot of pg_stat_activity.
        await using var watching = await dataSource.OpenConnectionAsync();
        await Eventually.TrueAsync(async () => migrating.IsCompleted || await watching.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock')"));
        await creating.CommitAsync();
        await migrating;

        Assert.Contains("001_core.sql", await other.QueryAsync<string>("SELECT name FROM schema_script"));
    }

    /// <summary>
    /// The attack: any local account logging in as postgres or as the service's role, over TCP or the socket. Every
    /// role now needs its own password, kept in a file only the cluster's owner can read.
    /// </summary>
    [EmbeddedFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task EnsureRunning_EveryRoleNeedsItsOwnPassword_OverTcpAndTheSocket_AndOnlyTheOwnerCanReadThem()
    {
        var embedded = (await TestServer.EmbeddedAsync())!;
        var socket = new ClusterSecurity(embedded.Root).SocketDirectory;

        foreach (var role in (string[])[ClusterSecurity.Superuser, ClusterSecurity.AppRole, ClusterSecurity.AnalystRole])
        {
            foreach (var host in (string[])["127.0.0.1", socket])
            {
                var wrong = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync($"Host={host};Port={embedded.Port};Username={role};Password=guess;Database=postgres"));
                Assert.Equal(PostgresErrorCodes.InvalidPassword, wrong.SqlState);
                await Assert.ThrowsAsync<NpgsqlException>(() => OpenAsync($"Host={host};Port={embedded.Port};Username={role};Database=postgres"));
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(embedded.Root, role + ".password")));
        }

        await using var analyst = new NpgsqlConnection(embedded.AnalystConnectionString("postgres"));
        await analyst.OpenAsync();
        Assert.Equal("wuzhong_analyst", await analyst.ExecuteScalarAsync<string>("SELECT current_user"));
        Assert.Equal(ClusterSecurity.AnalystConnectionLimit, await analyst.ExecuteScalarAsync<int>("SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal("10min", await analyst.ExecuteScalarAsync<string>("SHOW idle_in_transaction_session_timeout"));
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal((ownerOnly, ownerOnly), (File.GetUnixFileMode(embedded.Root), File.GetUnixFileMode(socket)));
        Assert.Contains($".s.PGSQL.{embedded.Port}", Directory.GetFiles(socket).Select(Path.GetFileName));
        Assert.False(ClusterSecurity.TrustsAnyone(Path.Combine(embedded.Root, "data")));
    }

    /// <summary>A cluster made by an older version (trust for everyone, the socket in the open folder) is upgraded on its next start, keeping its data.</summary>
    [EmbeddedFact]
    public async Task EnsureRunning_ClusterMadeByAnOlderVersion_IsUpgradedInPlace_KeepingItsData()
    {
        var root = Path.Combine("/var/tmp/wuzhong-collector-tests", "upgrade-" + Guid.NewGuid().ToString("N")[..12]);
        var embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions { DataDirectory = root, Unsafe = true }, "unused", NullLogger.Instance);
        try
        {
            var port = await OldStyleClusterAsync(root);
            var connectionString = await embedded.EnsureRunningAsync("old", CancellationToken.None);

            await using (var app = new NpgsqlConnection(connectionString))
            {
                Assert.Equal("吴中区 389.2", await app.ExecuteScalarAsync<string>("SELECT figure FROM kept"));
            }

            await using (var analyst = new NpgsqlConnection(embedded.AnalystConnectionString("old")))
            {
                Assert.Equal("wuzhong_analyst", await analyst.ExecuteScalarAsync<string>("SELECT current_user"));
            }

            var wrong = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync($"Host=127.0.0.1;Port={port};Username=postgres;Password=guess;Database=postgres"));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, wrong.SqlState);
            await Assert.ThrowsAsync<NpgsqlException>(() => OpenAsync($"Host=127.0.0.1;Port={port};Username=collector;Database=old"));
            Assert.False(ClusterSecurity.TrustsAnyone(Path.Combine(root, "data")));
            // Restarted by this start, so the socket moved into the closed directory.
            Assert.Contains($".s.PGSQL.{port}", Directory.GetFiles(Path.Combine(root, "socket")).Select(Path.GetFileName));
            Assert.DoesNotContain($".s.PGSQL.{port}", Directory.GetFiles(root).Select(Path.GetFileName));
            await using var admin = new NpgsqlConnection(embedded.AdminConnectionString);
            Assert.False(await admin.ExecuteScalarAsync<bool>("SELECT rolcreaterole FROM pg_roles WHERE rolname = 'collector'"));
        }
        finally
        {
            await embedded.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task OpenAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=10");
        await connection.OpenAsync();
    }

    /// <summary>A cluster as the versions before passwords made it: initdb --auth=trust, the socket in the cluster folder; with a database and a row.</summary>
    private static async Task<int> OldStyleClusterAsync(string root)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).First(d => File.Exists(Path.Combine(d, "initdb")));
        var asRoot = Environment.UserName == "root";
        Task Pg(string tool, params string[] args) => asRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args]) : RunAsync(Path.Combine(bin, tool), args);
        Directory.CreateDirectory(root);
        if (asRoot)
        {
            await RunAsync("chown", "postgres:postgres", root);
        }

        var data = Path.Combine(root, "data");
        await Pg("initdb", "-D", data, "--encoding=UTF8", "--locale=C.UTF-8", "-U", "postgres", "--auth=trust");
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            await File.WriteAllTextAsync(Path.Combine(root, "port"), port.ToString(CultureInfo.InvariantCulture));
            await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"),
                $"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\nfsync = off\ntimezone = 'UTC'\n");
        }

        var portNumber = int.Parse(await File.ReadAllTextAsync(Path.Combine(root, "port")), CultureInfo.InvariantCulture);
        await Pg("pg_ctl", "-D", data, "-l", Path.Combine(root, "postgres.log"), "-w", "start");
        await using (var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={portNumber};Username=postgres;Database=postgres;Pooling=false"))
        {
            await admin.ExecuteAsync("CREATE ROLE collector LOGIN CREATEROLE");
            await admin.ExecuteAsync("CREATE DATABASE old OWNER collector TEMPLATE template0 ENCODING 'UTF8'");
        }

        await using (var app = new NpgsqlConnection($"Host=127.0.0.1;Port={portNumber};Username=collector;Database=old;Pooling=false"))
        {
            await app.ExecuteAsync("CREATE TABLE kept (figure text); INSERT INTO kept VALUES ('吴中区 389.2')");
        }

        await Pg("pg_ctl", "-D", data, "-m", "fast", "-w", "stop");
        return portNumber;
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LANG"] = start.Environment["LC_ALL"] = "C.UTF-8";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {await errors}");
    }
}
