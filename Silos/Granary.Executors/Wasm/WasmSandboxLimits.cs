using System.Globalization;
using Granary.Wasm;

namespace Granary.Executors.Wasm;

/// <summary>The limits one instance runs under: the node's options overridden by the function's annotations.</summary>
internal sealed record WasmSandboxLimits(uint MaxMemoryPages, TimeSpan? MaxEventTime, long? FuelPerEvent, int MaxCallDepth)
{
    public static WasmSandboxLimits Resolve(WasmExecutorOptions options, IReadOnlyDictionary<string, string> annotations, string component)
    {
        var pages = options.MaxMemoryPages;
        var time = options.MaxEventTime;
        var fuel = options.FuelPerEvent;
        var depth = options.MaxCallDepth;
        if (Read(annotations, WasmAnnotations.MaxMemoryPages, component, 1, 65536) is { } p)
        {
            pages = (uint)p;
        }

        if (Read(annotations, WasmAnnotations.MaxEventMs, component, 0, int.MaxValue) is { } ms)
        {
            time = ms == 0 ? null : TimeSpan.FromMilliseconds(ms);
        }

        if (Read(annotations, WasmAnnotations.FuelPerEvent, component, 0, long.MaxValue) is { } f)
        {
            fuel = f == 0 ? null : f;
        }

        if (Read(annotations, WasmAnnotations.MaxCallDepth, component, 1, 1_000_000) is { } d)
        {
            depth = (int)d;
        }

        return new WasmSandboxLimits(pages, time, fuel, depth);
    }

    /// <summary>The engine limits: fuel is refilled per event by the instance, time is the engine's per-call deadline.</summary>
    public WasmInstanceLimits ToEngineLimits() => new()
    {
        MaxMemoryPages = MaxMemoryPages,
        MaxCallDepth = MaxCallDepth,
        Fuel = FuelPerEvent,
        CallTimeout = MaxEventTime,
    };

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
