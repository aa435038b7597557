using System.Runtime.CompilerServices;

namespace WuzhongCollector.Core.Tests;

public static class RepoPaths
{
    public static string Root([CallerFilePath] string here = "")
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

    public static string Config => Path.Combine(Root(), "config");

    public static string TestData => Path.Combine(AppContext.BaseDirectory, "TestData");
}
