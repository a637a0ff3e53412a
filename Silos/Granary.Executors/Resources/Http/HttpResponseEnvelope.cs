namespace Granary.Executors.Resources.Http;

/// <summary>
/// An HTTP response as JSON: what the <c>new_request</c> target of http-ingress replies, and what http-egress replies
/// after performing a request. See <see cref="HttpEnvelopeJson"/>.
/// </summary>
/// <param name="Status">The status code.</param>
/// <param name="Headers">Header name to value.</param>
/// <param name="Body">The body bytes (empty when there is none).</param>
public sealed record HttpResponseEnvelope(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);
