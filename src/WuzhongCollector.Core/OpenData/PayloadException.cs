namespace WuzhongCollector.Core.OpenData;

/// <summary>
/// An answer that cannot be read as configured: the wrong shape, or data for another region than asked.
/// <see cref="FailureClass"/> goes to the run record (schema, wrong-region, …). Never worth a retry.
/// </summary>
public sealed class PayloadException(string message, string failureClass = "schema") : Exception(message)
{
    public string FailureClass { get; } = failureClass;
}
