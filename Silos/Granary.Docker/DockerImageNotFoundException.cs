using System.Net;

namespace Granary.Docker;

/// <summary>
/// The image a container needs (or an inspected image) is not present on this node's engine. Granary never
/// pulls images, so the remedy is to load or build the image on the node; the message says so.
/// </summary>
public sealed class DockerImageNotFoundException : DockerApiException
{
    /// <summary>Creates the exception for <paramref name="image"/>, keeping the engine's 404 answer as context.</summary>
    public DockerImageNotFoundException(string image, string engineMessage, string request, Exception? innerException = null)
        : base(HttpStatusCode.NotFound, engineMessage, request,
            $"image {image} not found locally; Granary never pulls images: load or build it on this node", innerException)
    {
        Image = image;
    }

    /// <summary>The image reference that was asked for, as given (for example <c>busybox:none</c>).</summary>
    public string Image { get; }
}
