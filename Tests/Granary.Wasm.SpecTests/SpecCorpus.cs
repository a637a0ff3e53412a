namespace Granary.Wasm.SpecTests;

/// <summary>Finds the WebAssembly spec test corpus.</summary>
public static class SpecCorpus
{
    /// <summary>The environment variable that overrides the corpus location.</summary>
    public const string EnvironmentVariable = "GRANARY_WASM_TESTSUITE";

    /// <summary>
    /// The corpus root (the directory holding core/): <see cref="EnvironmentVariable"/> if set, otherwise
    /// <c>../shared/wasm-testsuite</c> next to the repository root found by walking up from
    /// <paramref name="start"/> to the directory containing Granary.sln. Throws with a clear message when absent.
    /// </summary>
    public static string Locate(string start)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env))
        {
            return Directory.Exists(env) ? Path.GetFullPath(env) : throw new DirectoryNotFoundException($"{EnvironmentVariable}={env} does not exist");
        }

        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Granary.sln")))
            {
                var corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "wasm-testsuite"));
                return Directory.Exists(corpus)
                    ? corpus
                    : throw new DirectoryNotFoundException($"WebAssembly spec corpus not found at {corpus}; set {EnvironmentVariable}");
            }
        }

        throw new DirectoryNotFoundException($"repository root (Granary.sln) not found above {start}; set {EnvironmentVariable}");
    }

    /// <summary>The .wast files of core/ in name order.</summary>
    public static IReadOnlyList<string> CoreFiles(string corpusRoot) =>
        [.. Directory.GetFiles(Path.Combine(corpusRoot, "core"), "*.wast").Order(StringComparer.Ordinal)];
}
