using System.Globalization;

namespace Granary.Docker.Internal;

/// <summary>The Engine API versions this client speaks and how one is agreed with an engine.</summary>
internal static class DockerApiVersion
{
    /// <summary>
    /// The highest version whose behaviour for the endpoints used here the client is written against (Engine 24).
    /// Newer engines still serve it; asking for more would promise fields and behaviour the client does not handle.
    /// </summary>
    public static readonly Version MaxSupported = new(1, 43);

    /// <summary>The oldest version the client accepts: Debian 12's docker.io 20.10, the engine it is tested against.</summary>
    public static readonly Version MinSupported = new(1, 41);

    /// <summary>
    /// min(engine's highest version, <see cref="MaxSupported"/>). Throws <see cref="NotSupportedException"/>
    /// when the ranges do not overlap (an engine too old for this client, or one that dropped every version it knows).
    /// </summary>
    public static Version Negotiate(Version engineMax, Version engineMin)
    {
        var chosen = engineMax < MaxSupported ? engineMax : MaxSupported;
        if (chosen < MinSupported)
        {
            throw new NotSupportedException(
                $"the Docker Engine speaks API {Format(engineMax)} at most; Granary's client needs at least {Format(MinSupported)} (Docker 20.10)");
        }

        if (chosen < engineMin)
        {
            throw new NotSupportedException(
                $"the Docker Engine requires API {Format(engineMin)} or newer; Granary's client speaks at most {Format(MaxSupported)}");
        }

        return chosen;
    }

    /// <summary>Parses the engine's "1.41" form.</summary>
    public static Version Parse(string? value, string field) =>
        Version.TryParse(value, out var version) && version.Build < 0
            ? version
            : throw new FormatException($"the Docker Engine reported {field} \"{value}\", not a MAJOR.MINOR API version");

    /// <summary>Formats as the engine writes it ("1.41").</summary>
    public static string Format(Version version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version.Major}.{version.Minor}");
}
