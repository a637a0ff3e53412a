namespace Granary.Persistence;

/// <summary>The record a storage provider reads into and writes from.</summary>
public interface IGrainState<TState>
{
    TState State { get; set; }

    /// <summary>The stored version tag; providers set it after each read and write, null when no record exists.</summary>
    string? Etag { get; set; }

    bool RecordExists { get; set; }
}
