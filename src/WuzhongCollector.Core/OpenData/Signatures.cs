using System.Security.Cryptography;
using System.Text;

namespace WuzhongCollector.Core.OpenData;

/// <summary>The digests Chinese data gateways ask for, over UTF-8 text.</summary>
public static class Signatures
{
    public static IReadOnlyCollection<string> Algorithms { get; } = ["md5", "sha256"];

    /// <summary>Lower-case hex of the digest, as SIPOP (32 hex for MD5) and most gateways expect.</summary>
    public static string Digest(string algorithm, string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        return algorithm switch
        {
            // MD5 is the gateway's protocol, not our choice; it signs a request, it protects nothing of ours.
#pragma warning disable CA5351
            "md5" => Convert.ToHexStringLower(MD5.HashData(bytes)),
#pragma warning restore CA5351
            "sha256" => Convert.ToHexStringLower(SHA256.HashData(bytes)),
            _ => throw new ArgumentException($"unknown signature algorithm '{algorithm}'", nameof(algorithm)),
        };
    }

    public static string HmacSha256Base64(string key, string input) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(input)));
}
