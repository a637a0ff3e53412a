using System.Globalization;

namespace Granary.Executors.Wasm;

/// <summary>The limits one instance runs under: the node's options overridden by the function's annotations.</summary>
internal sealed record WasmSandboxLimits(uint MaxMemoryPages, uint MaxTableElements, TimeSpan? MaxEventTime)
{
    public static WasmSandboxLimits Resolve(WasmExecutorOptions options, IReadOnlyDictionary<string, string> annotations, string component)
    {
        foreach (var (retired, instead) in new[] { (WasmAnnotations.FuelPerEvent, WasmAnnotations.MaxEventMs), (WasmAnnotations.MaxCallDepth, "the node's Granary:Wasm:MaxWasmStackBytes") })
        {
            if (annotations.ContainsKey(retired))
            {
                throw new ArgumentException($"Function {component}: annotation '{retired}' is no longer supported (the Wasmtime executor has no such limit); use {instead} instead.");
            }
        }

        var pages = options.MaxMemoryPages;
        var tables = options.MaxTableElements;
        var time = options.MaxEventTime;
        if (Read(annotations, WasmAnnotations.MaxMemoryPages, component, 1, 65536) is { } p)
        {
            pages = (uint)p;
        }

        if (Read(annotations, WasmAnnotations.MaxTableElements, component, 0, WasmExecutorOptions.TableElementsCeiling) is { } t)
        {
            tables = (uint)t;
        }

        if (Read(annotations, WasmAnnotations.MaxEventMs, component, 0, int.MaxValue) is { } ms)
        {
            time = ms == 0 ? null : TimeSpan.FromMilliseconds(ms);
        }

        return new WasmSandboxLimits(pages, tables, time);
    }

    private static long? Read(IReadOnlyDictionary<string, string> annotations, string name, string component, long min, long max)
    {
        if (!annotations.TryGetValue(name, out var text))
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"Function {component}: annotation '{name}' must be an integer from {min} to {max}; found '{text}'.");
        }

        return value;
    }
}
