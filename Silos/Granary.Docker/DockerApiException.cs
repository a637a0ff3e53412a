using System.Net;

namespace Granary.Docker;

/// <summary>
/// The Docker Engine answered a request with an error status. <see cref="StatusCode"/> is the HTTP status
/// (404 for an unknown container or image, 409 for a conflict such as killing a stopped container, 500 for an
/// engine failure) and <see cref="EngineMessage"/> the engine's own explanation.
/// </summary>
public class DockerApiException : Exception
{
    /// <summary>Creates the exception for an engine error answer to <paramref name="request"/> (method and path).</summary>
    public DockerApiException(HttpStatusCode statusCode, string engineMessage, string request)
        : this(statusCode, engineMessage, request, $"Docker Engine answered {(int)statusCode} {statusCode} to {request}: {engineMessage}")
    {
    }

    /// <summary>Creates the exception with a message of the caller's choosing (for subclasses that explain more).</summary>
    protected DockerApiException(HttpStatusCode statusCode, string engineMessage, string request, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        EngineMessage = engineMessage;
        Request = request;
    }

    /// <summary>The HTTP status code the engine answered with.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The engine's error message (the <c>message</c> field of its JSON answer, or the raw body).</summary>
    public string EngineMessage { get; }

    /// <summary>The request that failed, as method and path (for example <c>DELETE /v1.41/containers/abc</c>).</summary>
    public string Request { get; }
}
