namespace Granary.Streams;

/// <summary>Identifies a stream: a namespace (such as "node-events") and a key within it.</summary>
public readonly record struct StreamId(string Namespace, string Key)
{
    public override string ToString() => $"{Namespace}/{Key}";
}
