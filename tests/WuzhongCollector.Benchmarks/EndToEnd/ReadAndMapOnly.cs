using System.Diagnostics;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Benchmarks.EndToEnd;

/// <summary>The client's share of the end-to-end load: read and map the file with no database, to show where time goes.</summary>
public static class ReadAndMapOnly
{
    public static (int Observations, double Seconds) Run(BenchConfig config, string csvPath, CancellationToken cancellationToken)
    {
        var catalogue = config.LoadCatalogue();
        var (source, errors) = SourceFileLoader.Load(Path.Combine(config.Sources, DepartmentData.SourceId + ".yaml"), catalogue);
        if (source is null)
        {
            throw new InvalidOperationException(string.Join("; ", errors));
        }

        var clock = Stopwatch.StartNew();
        var mapper = new RecordMapper(source.Mapping, catalogue);
        var observations = 0;
        // The service's own reading path (table reader and layout), as a run takes it.
        foreach (var record in SourceReader.Read(source, () => File.OpenRead(csvPath), "dept.csv", cancellationToken))
        {
            if (mapper.Map(record).Observation is not null)
            {
                observations++;
            }
        }

        return (observations, clock.Elapsed.TotalSeconds);
    }
}
