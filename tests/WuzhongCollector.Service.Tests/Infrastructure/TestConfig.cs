using System.Runtime.CompilerServices;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>A config folder of a test's own: the real catalogue and monitoring settings, and only the sources the test writes.</summary>
public sealed class TestConfig : IDisposable
{
    public TestConfig()
    {
        Directory = Path.Combine(Path.GetTempPath(), "wuzhong-test-config-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "sources"));
        File.Copy(Path.Combine(RepoRoot(), "config", "catalogue.yaml"), Path.Combine(Directory, "catalogue.yaml"));
        File.Copy(Path.Combine(RepoRoot(), "config", "monitoring.yaml"), Path.Combine(Directory, "monitoring.yaml"));
    }

    public string Directory { get; }

    public string Sources => Path.Combine(Directory, "sources");

    public string WriteSource(string id, string yaml)
    {
        var path = Path.Combine(Sources, id + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public IEnumerable<string> SourceIds() =>
        System.IO.Directory.GetFiles(Sources, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

    public string WriteFile(string relativePath, string content, System.Text.Encoding? encoding = null)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, encoding ?? new System.Text.UTF8Encoding(false));
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string RepoRoot([CallerFilePath] string here = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(here)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WuzhongCollector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
