using Granary.Wasm.SpecTests;

namespace Granary.Wasm.Tests;

/// <summary>The WebAssembly 2.0 core spec corpus, one test per .wast file.</summary>
public sealed class SpecCorpusTests
{
    private static readonly WasmEngine Engine = new();

    public static TheoryData<string> CoreFiles() => Files(simd: false);

    public static TheoryData<string> SimdFiles() => Files(simd: true);

    [Theory]
    [MemberData(nameof(CoreFiles))]
    public void Core_file_passes_every_command(string file)
    {
        var result = WastRunner.RunFile(Engine, Path.Combine(Root(), "core", file));

        Assert.True(result.Failed == 0, $"{result.Failed} of {result.Passed + result.Failed} commands failed:\n{string.Join("\n", result.Failures)}");
        Assert.True(result.Passed > 0 || result.Skipped > 0, "the file ran no command");
    }

    [Theory]
    [MemberData(nameof(SimdFiles))]
    public void Simd_file_passes_every_command(string file)
    {
        var result = WastRunner.RunFile(Engine, Path.Combine(Root(), "core", file));

        Assert.True(result.Failed == 0, $"{result.Failed} of {result.Passed + result.Failed} commands failed:\n{string.Join("\n", result.Failures)}");
        Assert.True(result.Passed > 0, "the file ran no command");
    }

    private static string Root() => SpecCorpus.Locate(AppContext.BaseDirectory);

    private static TheoryData<string> Files(bool simd)
    {
        var data = new TheoryData<string>();
        foreach (var f in SpecCorpus.CoreFiles(Root()))
        {
            var name = Path.GetFileName(f);
            if (name.StartsWith("simd_", StringComparison.Ordinal) == simd)
            {
                data.Add(name);
            }
        }

        return data;
    }
}
