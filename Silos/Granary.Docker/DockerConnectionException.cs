namespace Granary.Docker;

/// <summary>
/// The client could not talk to the Docker Engine at all: the socket is missing, refuses connections, or the
/// connection broke before an answer arrived. The message names the socket and the request.
/// </summary>
public sealed class DockerConnectionException : Exception
{
    /// <summary>Creates the exception for <paramref name="request"/> sent to <paramref name="socketPath"/>.</summary>
    public DockerConnectionException(string socketPath, string request, Exception innerException)
        : base($"cannot reach the Docker Engine at unix://{socketPath} ({request}): {Reason(innerException)}. Is dockerd running?", innerException)
    {
        SocketPath = socketPath;
    }

    /// <summary>The unix socket path the client tried.</summary>
    public string SocketPath { get; }

    // HttpClient's own wrapper message names a made-up host and port; the cause underneath says what happened.
    private static string Reason(Exception exception) =>
        (exception is HttpRequestException { InnerException: { } cause } ? cause : exception).Message.TrimEnd('.');
}
