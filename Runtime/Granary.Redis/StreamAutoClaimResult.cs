namespace Granary.Redis;

/// <summary>The result of XAUTOCLAIM.</summary>
/// <param name="NextStartId">Where the next call should start; <c>0-0</c> when the whole pending list was scanned.</param>
/// <param name="Claimed">The entries now owned by the claiming consumer (their delivery count was incremented).</param>
/// <param name="DeletedIds">Ids that were pending but no longer exist in the stream; Redis removed them from the pending list.</param>
public sealed record StreamAutoClaimResult(string NextStartId, IReadOnlyList<StreamEntry> Claimed, IReadOnlyList<string> DeletedIds);
