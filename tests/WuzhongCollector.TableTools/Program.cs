using WuzhongCollector.TableTools;

var root = RepoRoot();
switch (args.FirstOrDefault())
{
    case "fixtures":
        Fixtures.WriteAll(root);
        return 0;
    case "bench":
        return Bench.Run(root, args);
    case "bench-one" when args.Length == 3:
        return Bench.One(root, args[1], args[2]);
    case "dump" when args.Length >= 2:
        using (var stream = File.OpenRead(args[1]))
        {
            foreach (var grid in WuzhongCollector.Core.Tables.ExcelGridReader.Read(stream, args[1], args.Length > 2 ? args[2] : "*", CancellationToken.None))
            {
                Console.WriteLine($"== sheet {grid.Sheet}, merges {string.Join(" ", grid.Merges)}");
                foreach (var row in grid.Rows)
                {
                    Console.WriteLine($"{row.Number}: {string.Join(" | ", row.Cells)}");
                }
            }
        }

        return 0;
    default:
        Console.WriteLine("usage: dotnet run --project tests/WuzhongCollector.TableTools -- fixtures | bench [csvRows xlsxRows] | dump <workbook> [sheet]");
        return 2;
}

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "WuzhongCollector.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run from inside the repository");
}
