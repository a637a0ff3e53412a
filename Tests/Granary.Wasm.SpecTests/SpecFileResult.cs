namespace Granary.Wasm.SpecTests;

/// <summary>The outcome of one .wast file: command counts and a description of every failed command.</summary>
public sealed class SpecFileResult(string name)
{
    public string Name { get; } = name;

    public bool IsSimd => Name.StartsWith("simd_", StringComparison.Ordinal);

    public int Passed { get; set; }

    public int Failed => Failures.Count;

    /// <summary>Commands not run: text-format assert_malformed, or every command of a file that was not run.</summary>
    public int Skipped { get; set; }

    public List<string> Failures { get; } = [];
}
