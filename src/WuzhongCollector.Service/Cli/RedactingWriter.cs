using System.Text;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// Output of a verb that prints what an upstream sent (figures, rejects, errors): an upstream may echo a secret
/// back, so every configured secret is replaced by <c>{secret:NAME}</c> on the way out. Callers write whole lines.
/// </summary>
internal sealed class RedactingWriter(TextWriter inner, SecretRedactor redactor) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(value is null ? null : redactor.Redact(value));

    public override void WriteLine(string? value) => inner.WriteLine(value is null ? null : redactor.Redact(value));

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(value is null ? null : redactor.Redact(value));

    public override Task FlushAsync() => inner.FlushAsync();
}
