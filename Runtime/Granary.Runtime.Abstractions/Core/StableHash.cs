namespace Granary;

/// <summary>
/// Process-independent hashing (FNV-1a over UTF-16 code units). <see cref="string.GetHashCode()"/> is randomised per
/// process and must never be used for anything two silos have to agree on.
/// </summary>
public static class StableHash
{
    /// <summary>Hashes <paramref name="text"/>; the same text gives the same value in every process and version.</summary>
    public static int Of(string text)
    {
        unchecked
        {
            uint hash = 2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ (byte)c) * 16777619;
                hash = (hash ^ (byte)(c >> 8)) * 16777619;
            }

            return (int)hash;
        }
    }

    /// <summary>Combines two hashes in an order-dependent way.</summary>
    public static int Combine(int a, int b)
    {
        unchecked
        {
            return (int)(((uint)a * 16777619) ^ (uint)b);
        }
    }
}
