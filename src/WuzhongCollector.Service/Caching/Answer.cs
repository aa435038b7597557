using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace WuzhongCollector.Service.Caching;

/// <summary>What an answer is sent as; a file name makes it a download.</summary>
public sealed record AnswerFormat(string ContentType, string? FileName = null)
{
    public static readonly AnswerFormat Json = new("application/json; charset=utf-8");

    public static AnswerFormat Csv(string fileName) => new("text/csv; charset=utf-8", fileName);

    /// <summary>The headers of an answer streamed without <see cref="Answer.ToResult"/>.</summary>
    public void Apply(HttpResponse response)
    {
        response.ContentType = ContentType;
        if (FileName is not null)
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(FileName);
            response.Headers.ContentDisposition = disposition.ToString();
        }
    }
}

/// <summary>
/// An answer as sent, with a strong ETag that is a hash of its bytes: it changes exactly when the bytes do,
/// whatever changed them (figures, parameters, a new version of the service), and two instances give equal
/// answers the same ETag.
/// </summary>
public sealed class Answer(byte[] body, AnswerFormat format, DateTimeOffset? asOf)
{
    /// <summary>The asOf the answer was read for; null for "now".</summary>
    public DateTimeOffset? AsOf => asOf;

    public EntityTagHeaderValue ETag { get; } = new('"' + Convert.ToBase64String(SHA256.HashData(body), 0, 18).Replace('+', '-').Replace('/', '_') + '"');

    /// <summary>Memory the cache counts for it: the bytes and a little for the entry itself.</summary>
    public long Size => body.Length + 256;

    /// <summary>Sends the bytes, or 304 Not Modified when the request's If-None-Match names this ETag.</summary>
    public IResult ToResult() => Results.Bytes(body, format.ContentType, format.FileName, entityTag: ETag);
}
