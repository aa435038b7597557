namespace WuzhongCollector.Service.Database;

/// <summary>The private cluster started when no connection string is configured.</summary>
public sealed class EmbeddedPostgresOptions
{
    public const string SectionName = "EmbeddedPostgres";

    /// <summary>Folder of the cluster. <value>The default is /var/tmp/wuzhong-collector/&lt;hash of the content root&gt;.</value></summary>
    public string? DataDirectory { get; set; }

    /// <summary>Folder of initdb and pg_ctl. <value>The default is the newest /usr/lib/postgresql/*/bin.</value></summary>
    public string? BinDirectory { get; set; }

    /// <summary>Stop the cluster when the service that started it stops. <value>The default is true.</value></summary>
    public bool StopOnExit { get; set; } = true;

    /// <summary>Trade durability for speed; for test clusters only. <value>The default is false.</value></summary>
    public bool Unsafe { get; set; }
}
