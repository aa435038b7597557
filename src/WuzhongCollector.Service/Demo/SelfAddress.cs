namespace WuzhongCollector.Service.Demo;

/// <summary>
/// The service's own base URL, known only once Kestrel has bound. Demo sources write <c>{self}</c> in
/// their URL so they work on any port.
/// </summary>
public sealed class SelfAddress
{
    public const string Placeholder = "{self}";

    public string? BaseUrl { get; set; }

    public bool DemoEnabled { get; set; }
}
