using System.Diagnostics;

namespace Granary.Wasm.Tests;

/// <summary>Assembles WebAssembly text with wabt's wat2wasm (installed with the spec tooling).</summary>
internal static class Wat
{
    public static byte[] ToWasm(string wat, bool validate = true)
    {
        var dir = Directory.CreateTempSubdirectory("granary-wat-").FullName;
        try
        {
            var input = Path.Combine(dir, "m.wat");
            var output = Path.Combine(dir, "m.wasm");
            File.WriteAllText(input, wat);
            var psi = new ProcessStartInfo("wat2wasm", validate ? [input, "-o", output] : [input, "--no-check", "-o", output]) { RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? File.ReadAllBytes(output) : throw new InvalidOperationException($"wat2wasm failed: {err}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    public static IWasmModule Compile(string wat) => new WasmEngine().Compile(ToWasm(wat));
}
