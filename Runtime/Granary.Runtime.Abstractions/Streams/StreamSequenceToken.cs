namespace Granary.Streams;

/// <summary>
/// The position of an event in a stream. Persistent providers give positions a subscriber can resume from; the
/// in-memory provider numbers events per stream.
/// </summary>
public sealed record StreamSequenceToken(string Position);
