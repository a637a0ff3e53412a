namespace Granary.Streams;

/// <summary>A named stream provider (in-memory, Redis Streams, ...).</summary>
public interface IStreamProvider
{
    string Name { get; }

    /// <summary>The stream <paramref name="id"/> carrying items of type <typeparamref name="T"/>.</summary>
    IAsyncStream<T> GetStream<T>(StreamId id);
}
