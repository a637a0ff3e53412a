namespace Granary.Grains.Controller;

/// <summary>Configuration of the controller (section Granary:Controller).</summary>
public sealed class ControllerOptions
{
    /// <summary>How often lost domains are detected and orphaned workflows redeployed.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After the controller (re)activates, how long a workflow's domain has to register again before the workflow is
    /// treated as an orphan. Domains refresh every keep-alive, so a few of their intervals is enough.
    /// </summary>
    public TimeSpan DomainGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The stream provider on which workflow starts and stops are published (namespace <c>granary.events</c>, key =
    /// the workflow's domain id); empty disables publishing.
    /// </summary>
    public string EventStreamProvider { get; set; } = Events.PlatformStreams.DefaultProvider;
}
