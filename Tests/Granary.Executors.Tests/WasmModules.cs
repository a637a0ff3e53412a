using System.Diagnostics;

namespace Granary.Executors.Tests;

/// <summary>
/// Builds the WebAssembly modules the tests run, at test time, with clang-14: the examples through
/// examples/functions/build.sh, and the test modules in Modules/*.c. Fails clearly when clang-14 is missing.
/// </summary>
public static class WasmModules
{
    private const string Clang = "clang-14";
    private static readonly Lazy<string> Root = new(FindRoot);
    private static readonly Lazy<string> Examples = new(BuildExamples);
    private static readonly Lazy<string> TestOutput = new(CreateOutput);
    private static readonly Lock Gate = new();

    /// <summary>The repository root.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The path of example function <paramref name="name"/>'s .wasm, built by build.sh on first use.</summary>
    public static string Example(string name)
    {
        var path = Path.Combine(Examples.Value, name, name + ".wasm");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build.sh did not produce {path}");
    }

    /// <summary>A workflow file under examples/workflows, with the examples built.</summary>
    public static string Workflow(string relativePath)
    {
        _ = Examples.Value;
        return Path.Combine(RepositoryRoot, "examples", "workflows", relativePath);
    }

    /// <summary>Compiles Modules/<paramref name="name"/>.c (with edgeless.h on the include path) once and returns the .wasm path.</summary>
    public static string TestModule(string name)
    {
        lock (Gate)
        {
            var output = Path.Combine(TestOutput.Value, name + ".wasm");
            if (!File.Exists(output))
            {
                var source = Path.Combine(RepositoryRoot, "Tests", "Granary.Executors.Tests", "Modules", name + ".c");
                Run(Clang, [
                    "--target=wasm32", "-O2", "-ffreestanding", "-nostdlib", "-Wno-infinite-recursion",
                    "-I", Path.Combine(RepositoryRoot, "examples", "functions", "include"),
                    "-Wl,--no-entry", "-o", output, source]);
            }

            return output;
        }
    }

    /// <summary>Writes the binary of WebAssembly text <paramref name="wat"/> (converted by Wasmtime) and returns its path.</summary>
    public static string FromWat(string name, string wat)
    {
        var output = Path.Combine(TestOutput.Value, name + ".wasm");
        File.WriteAllBytes(output, Wasmtime.Module.ConvertText(wat));
        return output;
    }

    /// <summary>Writes <paramref name="bytes"/> as a module file and returns its path.</summary>
    public static string FromBytes(string name, byte[] bytes)
    {
        var output = Path.Combine(TestOutput.Value, name + ".wasm");
        File.WriteAllBytes(output, bytes);
        return output;
    }

    /// <summary>Compiles C <paramref name="source"/> text to a freestanding module exporting <paramref name="exports"/>.</summary>
    public static string CompileSource(string name, string source, params string[] exports)
    {
        lock (Gate)
        {
            var c = Path.Combine(TestOutput.Value, name + ".c");
            var output = Path.Combine(TestOutput.Value, name + ".wasm");
            File.WriteAllText(c, source);
            Run(Clang, ["--target=wasm32", "-O2", "-ffreestanding", "-nostdlib", "-Wl,--no-entry", .. exports.Select(e => "-Wl,--export=" + e), "-o", output, c]);
            return output;
        }
    }

    private static string CreateOutput()
    {
        var dir = Directory.CreateTempSubdirectory("granary-wasm-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir;
    }

    private static string BuildExamples()
    {
        RequireClang();
        var script = Path.Combine(RepositoryRoot, "examples", "functions", "build.sh");
        lock (Gate)
        {
            Run("bash", [script]);
        }

        return Path.Combine(RepositoryRoot, "examples", "functions");
    }

    private static void RequireClang()
    {
        try
        {
            Run(Clang, ["--version"]);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{Clang} is needed to build the test modules and was not found or failed ({ex.Message}); run scripts/install-deps.sh.", ex);
        }
    }

    /// <summary>Runs a tool to completion (at most two minutes); fails with its output when it exits non-zero.</summary>
    internal static void Run(string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{file} is not installed ({ex.Message}); run scripts/install-deps.sh.", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', args)} took more than two minutes");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "examples", "functions", "build.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"cannot find the repository root (examples/functions/build.sh) above {AppContext.BaseDirectory}");
    }
}
