using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace WuzhongCollector.Service.Security;

/// <summary>
/// Passwords are stored as ASP.NET Core Identity hashes (PBKDF2 with HMAC-SHA512, salted, 100,000
/// iterations); API tokens, being long and random, as plain SHA-256 compared in constant time.
/// </summary>
public static class PasswordHashes
{
    private static readonly PasswordHasher<object> Hasher = new();

    // Verified against when the user name is unknown, so a wrong name costs as long as a wrong password.
    private static readonly string Decoy = Hasher.HashPassword(new object(), "decoy");

    public static string Hash(string password) => Hasher.HashPassword(new object(), password);

    public static bool Verify(string? hash, string password) =>
        Hasher.VerifyHashedPassword(new object(), hash ?? Decoy, password) != PasswordVerificationResult.Failed && hash is not null;

    public static bool LooksValid(string hash)
    {
        Span<byte> bytes = stackalloc byte[hash.Length];
        return Convert.TryFromBase64String(hash, bytes, out var length) && length > 13 && bytes[0] == 0x01;
    }

    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool TokenMatches(string configuredSha256, string presentedToken)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(presentedToken));
        return configuredSha256.Length == 64 && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(configuredSha256), presented);
    }

    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
