namespace Granary.Executors.Resources.Http;

/// <summary>
/// An HTTP request as JSON travels between functions and the HTTP resources: what http-ingress hands to its
/// <c>new_request</c> target, and what a function asks http-egress to perform. See <see cref="HttpEnvelopeJson"/>.
/// </summary>
/// <param name="Method">The method in upper case (GET, POST, ...).</param>
/// <param name="Url">The absolute URL (egress); for ingress requests the URL the client used.</param>
/// <param name="Host">The Host header (ingress) or, with <paramref name="Path"/>, an alternative to <paramref name="Url"/> (egress).</param>
/// <param name="Path">Path and query, e.g. <c>/hello?x=1</c>.</param>
/// <param name="Headers">Header name to value; repeated headers are joined with ", ".</param>
/// <param name="Body">The body bytes (empty when there is none).</param>
public sealed record HttpRequestEnvelope(string Method, string? Url, string? Host, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);
