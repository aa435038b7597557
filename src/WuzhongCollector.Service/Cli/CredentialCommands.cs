using WuzhongCollector.Service.Security;

namespace WuzhongCollector.Service.Cli;

/// <summary>Makes the hashes that go into Security:Users and Security:Tokens; the clear text is never stored.</summary>
public static class CredentialCommands
{
    public static async Task<int> HashPasswordAsync(CliContext context, CancellationToken cancellationToken)
    {
        var password = (await Console.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r');
        if (string.IsNullOrEmpty(password))
        {
            await context.Output.WriteLineAsync("usage: echo 'password' | hash-password   (reads one line on standard input)");
            return 2;
        }

        await context.Output.WriteLineAsync(PasswordHashes.Hash(password));
        return 0;
    }

    public static async Task<int> NewTokenAsync(CliContext context, CancellationToken cancellationToken)
    {
        var token = PasswordHashes.NewToken();
        await context.Output.WriteLineAsync($"token:  {token}");
        await context.Output.WriteLineAsync($"Sha256: {PasswordHashes.TokenHash(token)}");
        await context.Output.WriteLineAsync("Give the token to its user; put only the Sha256 in Security:Tokens.");
        return 0;
    }
}
