using Granary.Redis;

namespace Granary.Runtime.Redis;

/// <summary>Checks shared by the option validators; each failure names the option and says why.</summary>
internal static class RedisOptionsChecks
{
    public static void ConnectionString(string optionsType, string? value, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{optionsType}.ConnectionString must be set (for example redis://127.0.0.1:6379/0).");
            return;
        }

        try
        {
            RedisOptions.Parse(value);
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException)
        {
            failures.Add($"{optionsType}.ConnectionString is not usable: {ex.Message}");
        }
    }

    public static void KeyPrefix(string optionsType, string? value, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{optionsType}.KeyPrefix must not be empty: it keeps these keys apart from others in the database.");
        }
    }

    public static void Positive(string optionsType, string name, TimeSpan value, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{optionsType}.{name} must be positive, got {value}.");
        }
    }
}
