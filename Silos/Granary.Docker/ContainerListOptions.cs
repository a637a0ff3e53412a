namespace Granary.Docker;

/// <summary>Which containers a listing returns.</summary>
public sealed record ContainerListOptions
{
    /// <summary>True (the default) lists stopped and created containers too; false lists only running ones.</summary>
    public bool All { get; init; } = true;

    /// <summary>
    /// Label conditions that must all hold. A key with a value matches containers whose label has that value;
    /// a key with a null value matches containers carrying the label at all.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? Labels { get; init; }
}
