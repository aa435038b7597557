using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;

namespace WuzhongCollector.Service.Database;

/// <summary>
/// How the private cluster keeps other local users out: every role signs in with a SCRAM password, generated
/// once into <c>&lt;role&gt;.password</c> (mode 0600) in the cluster folder; the folder and the socket directory are
/// mode 0700; pg_hba.conf has no <c>trust</c> line. Clusters made by older versions (trust for every local user, a
/// socket anyone could reach) are upgraded in place on their next start, keeping their data.
/// </summary>
public sealed partial class ClusterSecurity(string root)
{
    public const string Superuser = "postgres";
    public const string AppRole = "collector";
    public const string AnalystRole = "wuzhong_analyst";

    // max_connections is 300 and the service's pools take about 90: analysts may not take the rest, and a transaction
    // left open in a SQL client may not hold its locks (which a schema upgrade's ALTER TABLE, and everything queued
    // behind it, would wait for) for longer than this.
    public const int AnalystConnectionLimit = 50;
    public const string AnalystIdleTransactionTimeout = "10min";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Where the socket lives; only the cluster's owner may enter it.</summary>
    public string SocketDirectory => Path.Combine(root, "socket");

    /// <summary>The file holding <paramref name="role"/>'s password (mode 0600).</summary>
    public string PasswordFile(string role) => Path.Combine(root, role + ".password");

    public string Password(string role) => File.ReadAllText(PasswordFile(role)).Trim();

    /// <summary>initdb's arguments: the superuser's password from its file, SCRAM for local and TCP sign-ins.</summary>
    public IEnumerable<string> InitdbArguments => ["--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--pwfile=" + PasswordFile(Superuser)];

    /// <summary>postgresql.conf lines; appended settings override earlier ones.</summary>
    public string Settings =>
        $"unix_socket_directories = '{SocketDirectory}'\nunix_socket_permissions = 0700\npassword_encryption = 'scram-sha-256'\n";

    /// <summary>
    /// Makes the password files that are missing and closes the folders to other users. As root, PostgreSQL runs as
    /// <c>postgres</c>, which must own the folders and read the superuser's file (for initdb).
    /// </summary>
    public async Task SecureFilesAsync(Func<string[], Task> chownToPostgres)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The private PostgreSQL cluster needs Linux file modes; set ConnectionStrings__Collector to a server instead.");
        }

        foreach (var role in (string[])[Superuser, AppRole, AnalystRole])
        {
            var file = PasswordFile(role);
            if (!File.Exists(file))
            {
                // Hex: safe in a SQL literal and a connection string.
                await using var stream = new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
                await using var writer = new StreamWriter(stream);
                await writer.WriteLineAsync(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
            }

            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.CreateDirectory(SocketDirectory);
        File.SetUnixFileMode(SocketDirectory, OwnerOnly);
        File.SetUnixFileMode(root, OwnerOnly);
        await chownToPostgres([root, SocketDirectory, PasswordFile(Superuser)]);
    }

    /// <summary>True for a cluster made before SCRAM: its pg_hba.conf trusts someone.</summary>
    public static bool TrustsAnyone(string dataDirectory) =>
        File.ReadLines(Path.Combine(dataDirectory, "pg_hba.conf")).Any(line => !line.TrimStart().StartsWith('#') && TrustMethod().IsMatch(line));

    /// <summary>Only SCRAM sign-ins, over the socket and loopback TCP.</summary>
    public static void WriteHba(string dataDirectory) => File.WriteAllText(Path.Combine(dataDirectory, "pg_hba.conf"), """
        # Written by WuzhongCollector: every role signs in with its SCRAM password (files <role>.password beside data/).
        local   all   all                  scram-sha-256
        host    all   all   127.0.0.1/32   scram-sha-256
        host    all   all   ::1/128        scram-sha-256

        """);

    /// <summary>
    /// As the superuser: sets each role's password from its file, and creates the service's role (no CREATEROLE:
    /// the analysts' role is made here, so the service needs no power over roles) and the analysts' read-only role.
    /// </summary>
    public async Task SetRolesAsync(string adminConnectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            ALTER ROLE {Superuser} PASSWORD '{Password(Superuser)}';
            {CreateRole(AppRole)}
            {CreateRole(AnalystRole)}
            ALTER ROLE {AppRole} LOGIN NOCREATEROLE PASSWORD '{Password(AppRole)}';
            ALTER ROLE {AnalystRole} LOGIN CONNECTION LIMIT {AnalystConnectionLimit} PASSWORD '{Password(AnalystRole)}';
            ALTER ROLE {AnalystRole} SET default_transaction_read_only = on;
            ALTER ROLE {AnalystRole} SET idle_in_transaction_session_timeout = '{AnalystIdleTransactionTimeout}';
            """, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // A schema script of another database on this cluster may create the analysts' role at the same moment.
    private static string CreateRole(string role) =>
        $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN; END IF; "
        + "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;";

    [GeneratedRegex(@"\btrust\b")]
    private static partial Regex TrustMethod();
}
