using System.Collections.Concurrent;
using Granary.Wasm;

namespace Granary.Executors.Wasm;

/// <summary>
/// Compiled modules by code file. A module is compiled once per file path and last write time and shared by every
/// instance of that code; a rewritten file is compiled again on the next start. Failures are not cached.
/// </summary>
internal sealed class WasmModuleCache(IWasmEngine engine)
{
    private readonly ConcurrentDictionary<string, Entry> _modules = new(StringComparer.Ordinal);

    /// <summary>The module compiled from <paramref name="path"/> (an absolute path), compiling it on first use.</summary>
    public async Task<IWasmModule> GetAsync(string path, CancellationToken cancellationToken)
    {
        var written = File.GetLastWriteTimeUtc(path);
        while (true)
        {
            var entry = _modules.GetOrAdd(path, p => new Entry(written, new Lazy<Task<IWasmModule>>(() => Task.Run(() => Compile(p), CancellationToken.None))));
            if (entry.Written != written)
            {
                _modules.TryUpdate(path, new Entry(written, new Lazy<Task<IWasmModule>>(() => Task.Run(() => Compile(path), CancellationToken.None))), entry);
                continue;
            }

            try
            {
                return await entry.Module.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _modules.TryRemove(new KeyValuePair<string, Entry>(path, entry));
                throw;
            }
        }
    }

    private IWasmModule Compile(string path)
    {
        var module = engine.Compile(File.ReadAllBytes(path));
        var exports = module.Exports.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var missing = WasmAbi.RequiredFunctionExports.Where(n => !exports.TryGetValue(n, out var e) || e.Kind != ExternKind.Function).ToList();
        if (!exports.TryGetValue(WasmAbi.Memory, out var memory) || memory.Kind != ExternKind.Memory)
        {
            missing.Insert(0, WasmAbi.Memory);
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"{path} does not follow the EDGELESS ABI: it does not export {string.Join(", ", missing)}.");
        }

        return module;
    }

    private sealed record Entry(DateTime Written, Lazy<Task<IWasmModule>> Module);
}
