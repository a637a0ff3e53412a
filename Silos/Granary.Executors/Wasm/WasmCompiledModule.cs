using Wasmtime;

namespace Granary.Executors.Wasm;

/// <summary>A compiled module that follows the ABI, with what its instances need to know about it.</summary>
internal sealed class WasmCompiledModule
{
    private WasmCompiledModule(Module module, bool hasStart, bool blocks, bool usesWasi, bool hasInitialize)
    {
        Module = module;
        HasStart = hasStart;
        Blocks = blocks;
        UsesWasi = usesWasi;
        HasInitialize = hasInitialize;
    }

    /// <summary>The module compiled with the node's clock checks (<see cref="WasmClockChecks"/>).</summary>
    public Module Module { get; }

    /// <summary>It had a start function, exported as <see cref="WasmClockChecks.StartExport"/> for the host to run.</summary>
    public bool HasStart { get; }

    /// <summary>It imports a host function that waits for an answer (call_asm, call_raw_asm, sync_asm).</summary>
    public bool Blocks { get; }

    /// <summary>It imports WASI preview 1: its stores get a WASI context.</summary>
    public bool UsesWasi { get; }

    /// <summary>It exports the WASI reactor initializer <c>_initialize</c>.</summary>
    public bool HasInitialize { get; }

    /// <summary>
    /// Checks the module's exports and imports against the ABI; fails naming every problem at once: a missing or
    /// mistyped export, an import from a module other than <c>env</c> and WASI, an unknown or mistyped host function.
    /// </summary>
    public static WasmCompiledModule Check(Module module, string path, bool hasStart)
    {
        var problems = new List<string>();
        var exports = module.Exports.ToDictionary(e => e.Name, StringComparer.Ordinal);
        if (!exports.TryGetValue(WasmAbi.Memory, out var memory) || memory is not MemoryExport { Is64Bit: false })
        {
            problems.Add($"it does not export a 32-bit memory '{WasmAbi.Memory}'");
        }

        var missing = new List<string>();
        foreach (var (name, signature) in WasmAbi.ExportSignatures)
        {
            if (!exports.TryGetValue(name, out var export) || export is not FunctionExport function)
            {
                missing.Add(name);
            }
            else if (!signature.Matches(function.Parameters, function.Results))
            {
                problems.Add($"its export {name} has type {WasmAbi.Signature.Describe(function.Parameters, function.Results)}, the ABI's is {signature}");
            }
        }

        if (missing.Count > 0)
        {
            problems.Insert(0, $"it does not export {string.Join(", ", missing)}");
        }

        var blocks = false;
        var usesWasi = false;
        foreach (var import in module.Imports)
        {
            if (import.ModuleName == WasmAbi.WasiModule)
            {
                usesWasi = true;
                continue;
            }

            if (import.ModuleName != WasmAbi.ImportModule)
            {
                problems.Add($"it imports {import.ModuleName}.{import.Name}, but the node provides only the EDGELESS host functions ({WasmAbi.ImportModule}) and {WasmAbi.WasiModule}");
            }
            else if (!WasmAbi.ImportSignatures.TryGetValue(import.Name, out var signature) || import is not FunctionImport function)
            {
                problems.Add($"it imports {import.ModuleName}.{import.Name}, which is not an EDGELESS host function");
            }
            else if (!signature.Matches(function.Parameters, function.Results))
            {
                problems.Add($"it imports {import.ModuleName}.{import.Name} as {WasmAbi.Signature.Describe(function.Parameters, function.Results)}, the ABI's is {signature}");
            }
            else
            {
                blocks |= import.Name is WasmAbi.Call or WasmAbi.CallRaw or WasmAbi.Sync;
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{path} does not follow the EDGELESS ABI: {string.Join("; ", problems)}.");
        }

        var hasInitialize = exports.TryGetValue(WasmAbi.WasiInitialize, out var init) && init is FunctionExport { Parameters.Count: 0, Results.Count: 0 };
        return new WasmCompiledModule(module, hasStart, blocks, usesWasi, hasInitialize);
    }
}
