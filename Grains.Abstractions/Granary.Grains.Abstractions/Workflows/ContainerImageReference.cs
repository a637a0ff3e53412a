using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Granary.Grains.Workflows;

/// <summary>
/// The image of a CONTAINER function, written in a workflow as <c>container:IMAGE:TAG</c>. The image may carry a
/// registry host with a port (<c>container:registry.local:5000/team/app:1.2</c>): the tag is what follows the last
/// colon. Nodes start the image as named and never pull it.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed partial record ContainerImageReference([property: Id(0)] string Image, [property: Id(1)] string Tag)
{
    /// <summary>The prefix that marks a container reference in <c>code</c>.</summary>
    public const string Prefix = "container:";

    /// <summary>The image and tag as Docker writes them (<c>IMAGE:TAG</c>).</summary>
    public string ImageWithTag => Image + ":" + Tag;

    /// <summary>The reference as written in a workflow's <c>code</c> field.</summary>
    public override string ToString() => Prefix + ImageWithTag;

    /// <summary>
    /// Parses <c>container:IMAGE:TAG</c>. Fails with a reason when the prefix is missing, the tag is missing or empty,
    /// or the image or tag do not have the shape Docker accepts (lowercase path components separated by <c>/</c>,
    /// an optional <c>host[:port]/</c> registry first; tags of word characters, dots and dashes, at most 128).
    /// </summary>
    public static bool TryParse(string? code, [NotNullWhen(true)] out ContainerImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (code is null || !code.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"a container reference must have the form '{Prefix}IMAGE:TAG'";
            return false;
        }

        var rest = code[Prefix.Length..];
        var lastColon = rest.LastIndexOf(':');
        if (lastColon < 0 || rest.IndexOf('/', lastColon) >= 0)
        {
            error = $"container reference '{code}' has no tag; expected '{Prefix}IMAGE:TAG'";
            return false;
        }

        var image = rest[..lastColon];
        var tag = rest[(lastColon + 1)..];
        if (image.Length == 0)
        {
            error = $"container reference '{code}' has an empty image name";
            return false;
        }

        if (!ImagePattern().IsMatch(image))
        {
            error = $"container reference '{code}' has an invalid image name '{image}'";
            return false;
        }

        if (!TagPattern().IsMatch(tag))
        {
            error = $"container reference '{code}' has an invalid tag '{tag}'";
            return false;
        }

        reference = new ContainerImageReference(image, tag);
        error = null;
        return true;
    }

    [GeneratedRegex(@"^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?/)?[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ImagePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
