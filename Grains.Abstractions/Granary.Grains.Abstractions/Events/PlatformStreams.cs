namespace Granary.Grains.Events;

/// <summary>
/// Where platform events are published: stream namespace <see cref="Namespace"/>, key = the domain id, on the stream
/// provider named <see cref="DefaultProvider"/> unless configured otherwise. One stream per domain carries every
/// <see cref="PlatformEvent"/> kind (instance lifecycle, performance samples, workflow events).
/// </summary>
public static class PlatformStreams
{
    /// <summary>The stream namespace of platform events.</summary>
    public const string Namespace = "granary.events";

    /// <summary>The stream provider name the platform uses by default.</summary>
    public const string DefaultProvider = "events";
}
