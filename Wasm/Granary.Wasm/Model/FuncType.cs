using System.Collections.Concurrent;

namespace Granary.Wasm.Model;

/// <summary>
/// A function signature. Signatures are structural: two equal signatures share one process-wide
/// <see cref="Id"/>, which is what <c>call_indirect</c> compares across modules.
/// </summary>
internal sealed class FuncType : IEquatable<FuncType>
{
    private static readonly ConcurrentDictionary<string, int> Ids = new();
    private readonly string _key;

    public FuncType(ValType[] parameters, ValType[] results)
    {
        Params = parameters;
        Results = results;
        _key = string.Join(",", parameters.Select(p => p.Name())) + "->" + string.Join(",", results.Select(r => r.Name()));
        Id = Ids.GetOrAdd(_key, _ => Ids.Count + 1);
    }

    public ValType[] Params { get; }

    public ValType[] Results { get; }

    /// <summary>The canonical id of this signature, equal for structurally equal signatures.</summary>
    public int Id { get; }

    public string Key => _key;

    public bool Equals(FuncType? other) => other is not null && other.Id == Id;

    public override bool Equals(object? obj) => obj is FuncType f && Equals(f);

    public override int GetHashCode() => Id;

    public override string ToString() => _key;
}
