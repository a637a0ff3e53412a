namespace Granary.Persistence;

/// <summary>Well-known storage provider names.</summary>
public static class GrainStorageNames
{
    /// <summary>The provider used when a <see cref="PersistentStateAttribute"/> names none.</summary>
    public const string Default = "Default";
}
