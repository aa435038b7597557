using System.Security.Cryptography;
using System.Text;
using Dapper;
using Hangfire;
using Npgsql;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>
/// A folder departments drop exports into. Each run takes the oldest new file; a file counts as done once a
/// committed run read content with its SHA-256, whatever its name. Done files move to <c>processed/</c>,
/// files that failed permanently to <c>failed/</c> with the reason beside them; nothing is ever deleted.
/// A file the run could not settle (a crash after the commit) is moved by the next run, by its hash.
/// </summary>
public sealed class DropFolder(
    ConfigPaths paths,
    NpgsqlDataSource dataSource,
    IBackgroundJobClient backgroundJobs,
    TimeProvider timeProvider,
    ILogger<DropFolder> logger)
{
    public const string ProcessedFolder = "processed";
    public const string FailedFolder = "failed";

    public async Task<FetchedPayload> NextAsync(SourceDefinition source, RunLog log, CancellationToken cancellationToken)
    {
        var configured = source.File!.DropFolder!;
        var origin = Path.GetRelativePath(paths.Directory, paths.Resolve(configured));
        var folder = CsvFileConnector.DataPath(source, paths, "file.dropFolder", configured);
        if (!Directory.Exists(folder))
        {
            throw new PermanentSourceException($"{source.Id}: drop folder {origin} does not exist");
        }

        foreach (var subfolder in (string[])[ProcessedFolder, FailedFolder])
        {
            CsvFileConnector.DataPath(source, paths, "file.dropFolder", Path.Combine(folder, subfolder));
        }

        foreach (var file in Pending(folder))
        {
            var fileOrigin = Path.Combine(origin, Path.GetFileName(file));
            var real = DataRoots.RealPath(file);
            var refusal = !paths.Data.IsInside(real) ? $"{fileOrigin} is a link to {real}, outside the config folder: not read"
                : FileKind.NotARegularFile(file) is { } kind ? $"{fileOrigin} is {kind}, not a regular file: not read"
                : null;
            if (refusal is not null)
            {
                // Only the link or the pipe is moved (a rename never follows or opens it); what it points to is neither read nor touched.
                log.Step(refusal);
                Move(file, FailedFolder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(real))), refusal, log);
                continue;
            }

            var payload = await CsvFileConnector.HashFileAsync(file, fileOrigin, cancellationToken);
            if (!await IsDoneAsync(source.Id, payload.Sha256, cancellationToken))
            {
                log.Step($"file {fileOrigin} from drop folder {origin}");
                return payload;
            }

            log.Step($"file {fileOrigin} has the content of a file already processed ({payload.Sha256[..12]}): filed, not read again");
            Move(file, ProcessedFolder, payload.Sha256, null, log);
        }

        return new FetchedPayload(origin, string.Empty, 0, null, null) { NothingNew = true };
    }

    public Task SettleAsync(SourceDefinition source, FetchedPayload payload, string? error, CancellationToken cancellationToken)
    {
        if (source.File?.DropFolder is null || payload.NothingNew || payload.FilePath is not { } file)
        {
            return Task.CompletedTask;
        }

        var log = new RunLog();
        if (File.Exists(file))
        {
            Move(file, error is null ? ProcessedFolder : FailedFolder, payload.Sha256, error, log);
        }

        // Under Hangfire, the next dropped file is taken at once rather than at the next scheduled time.
        if (JobContext.JobId is not null && Pending(Path.GetDirectoryName(file)!).Any())
        {
            backgroundJobs.Schedule<CollectSourceJob>(job => job.RunAsync(source.Id, CancellationToken.None), TimeSpan.FromSeconds(2));
        }

        return Task.CompletedTask;
    }

    /// <summary>Files waiting in the folder, oldest first; Office lock files (~$) and hidden files are not exports.</summary>
    public static IEnumerable<string> Pending(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => Path.GetFileName(f) is var name && !name.StartsWith('.') && !name.StartsWith("~$", StringComparison.Ordinal))
            .OrderBy(File.GetLastWriteTimeUtc)
            .ThenBy(f => f, StringComparer.Ordinal);

    private async Task<bool> IsDoneAsync(string sourceId, string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT EXISTS (SELECT 1 FROM run WHERE source_id = @sourceId AND payload_sha256 = @sha256 AND outcome IN ({RunOutcomes.SuccessfulSql}))",
            new { sourceId, sha256 }, cancellationToken: cancellationToken));
    }

    /// <summary>Moves without ever overwriting: a name already taken gets the content hash and time added.</summary>
    private void Move(string file, string subfolder, string sha256, string? error, RunLog log)
    {
        try
        {
            var target = Path.Combine(Path.GetDirectoryName(file)!, subfolder);
            if (!paths.Data.IsInside(DataRoots.RealPath(target)))
            {
                logger.LogWarning("Not moving {File}: {Folder} is a link to {Target}, outside the config folder", file, target, DataRoots.RealPath(target));
                return;
            }

            Directory.CreateDirectory(target);
            var name = Path.GetFileName(file);
            var destination = Path.Combine(target, name);
            if (File.Exists(destination))
            {
                var stamp = timeProvider.GetUtcNow().ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
                destination = Path.Combine(target, $"{Path.GetFileNameWithoutExtension(name)}.{stamp}.{sha256[..8]}{Path.GetExtension(name)}");
            }

            File.Move(file, destination);
            if (error is not null)
            {
                // CreateNew never follows or replaces what is there, should someone have planted a link by that name.
                using var note = new StreamWriter(new FileStream(destination + ".error.txt", FileMode.CreateNew, FileAccess.Write));
                note.WriteLine(error);
            }

            log.Step($"moved {name} to {subfolder}/");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The run's outcome stands; the next run files it by its hash.
            logger.LogWarning("Could not move {File} to {Folder}: {Error}", file, subfolder, ex.Message);
        }
    }
}
