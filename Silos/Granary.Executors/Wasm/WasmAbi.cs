using Wasmtime;

namespace Granary.Executors.Wasm;

/// <summary>
/// Names and signatures of the EDGELESS WebAssembly ABI: host functions a guest imports from module <c>env</c>, and
/// what the guest exports. Pointers and lengths are wasm32 <c>i32</c>. See REFERENCE section 2 for the call sequence;
/// the host side here follows EDGELESS's own wasm runner.
/// </summary>
public static class WasmAbi
{
    /// <summary>The import module name of every host function.</summary>
    public const string ImportModule = "env";

    /// <summary>The import module of WASI preview 1, given to modules that import it (no files, network or environment).</summary>
    public const string WasiModule = "wasi_snapshot_preview1";

    /// <summary>(target_ptr, target_len, payload_ptr, payload_len): one-way event to an output alias.</summary>
    public const string Cast = "cast_asm";

    /// <summary>(node_id_ptr, component_id_ptr, payload_ptr, payload_len): one-way event to an explicit instance.</summary>
    public const string CastRaw = "cast_raw_asm";

    /// <summary>
    /// (target_ptr, target_len, payload_ptr, payload_len, out_ptr_ptr, out_len_ptr) → 0 no reply, 1 reply, 2 error. On a
    /// reply the host allocates the reply in the guest with <see cref="MemAlloc"/> and writes its pointer and length (4
    /// bytes little endian each) into the two slots; the buffer is the guest's from then on.
    /// </summary>
    public const string Call = "call_asm";

    /// <summary>(node_id_ptr, component_id_ptr, payload_ptr, payload_len, out_ptr_ptr, out_len_ptr) → 0, 1 or 2, as <see cref="Call"/>.</summary>
    public const string CallRaw = "call_raw_asm";

    /// <summary>(level 1..5 = error, warn, info, debug, trace; any other level is logged as error, target_ptr, target_len, msg_ptr, msg_len).</summary>
    public const string TelemetryLog = "telemetry_log_asm";

    /// <summary>(out_node_id_ptr, out_component_id_ptr): the host writes the 16-byte node id and the 16-byte component id.</summary>
    public const string Self = "slf_asm";

    /// <summary>(delay_ms: i64, target_ptr, target_len, payload_ptr, payload_len).</summary>
    public const string DelayedCast = "delayed_cast_asm";

    /// <summary>(data_ptr, data_len): saves the instance's state.</summary>
    public const string Sync = "sync_asm";

    /// <summary>
    /// (exit_code): a Granary extension, not part of EDGELESS's ABI (hence the <c>granary_</c> prefix): ends the
    /// instance's task once the current handler returns; 0 completes it, anything else fails it (see
    /// <c>IFunctionContext.Exit</c>). A module that does not import it runs on EDGELESS's nodes too.
    /// </summary>
    public const string TaskExit = "granary_task_exit";

    /// <summary>The guest's linear memory.</summary>
    public const string Memory = "memory";

    /// <summary>(len) → ptr: the guest's allocator, used by the host for every buffer it passes in.</summary>
    public const string MemAlloc = "edgeless_mem_alloc";

    /// <summary>(ptr, len): gives back a buffer the host allocated.</summary>
    public const string MemFree = "edgeless_mem_free";

    /// <summary>(): called before each cast, call and stop (not before init).</summary>
    public const string MemClear = "edgeless_mem_clear";

    /// <summary>(node_id_ptr, component_id_ptr, payload_ptr, payload_len).</summary>
    public const string HandleCast = "handle_cast_asm";

    /// <summary>
    /// (node_id_ptr, component_id_ptr, payload_ptr, payload_len, out_ptr_ptr, out_len_ptr) → 0 no reply, 1 reply (pointer
    /// and length written into the two slots), anything else an error. The host copies a reply and never frees it: the
    /// reply buffer stays the guest's.
    /// </summary>
    public const string HandleCall = "handle_call_asm";

    /// <summary>(payload_ptr, payload_len, state_ptr, state_len); a length of 0 means none.</summary>
    public const string HandleInit = "handle_init_asm";

    /// <summary>().</summary>
    public const string HandleStop = "handle_stop_asm";

    /// <summary>The WASI reactor initializer: called once after instantiation when a module exports it.</summary>
    public const string WasiInitialize = "_initialize";

    /// <summary>Every function the guest must export, besides <see cref="Memory"/>.</summary>
    public static IReadOnlyList<string> RequiredFunctionExports { get; } =
        [MemAlloc, MemFree, MemClear, HandleCast, HandleCall, HandleInit, HandleStop];

    /// <summary>Parameter and result types of each function export of the ABI.</summary>
    internal static IReadOnlyDictionary<string, Signature> ExportSignatures { get; } = new Dictionary<string, Signature>(StringComparer.Ordinal)
    {
        [MemAlloc] = new(I32(1), I32(1)),
        [MemFree] = new(I32(2), []),
        [MemClear] = new([], []),
        [HandleCast] = new(I32(4), []),
        [HandleCall] = new(I32(6), I32(1)),
        [HandleInit] = new(I32(4), []),
        [HandleStop] = new([], []),
    };

    /// <summary>Parameter and result types of each host function in <see cref="ImportModule"/>.</summary>
    internal static IReadOnlyDictionary<string, Signature> ImportSignatures { get; } = new Dictionary<string, Signature>(StringComparer.Ordinal)
    {
        [Cast] = new(I32(4), []),
        [CastRaw] = new(I32(4), []),
        [Call] = new(I32(6), I32(1)),
        [CallRaw] = new(I32(6), I32(1)),
        [TelemetryLog] = new(I32(5), []),
        [Self] = new(I32(2), []),
        [DelayedCast] = new([ValueKind.Int64, .. I32(4)], []),
        [Sync] = new(I32(2), []),
        [TaskExit] = new(I32(1), []),
    };

    private static ValueKind[] I32(int count) => Enumerable.Repeat(ValueKind.Int32, count).ToArray();

    /// <summary>A function type: parameters and results.</summary>
    internal sealed record Signature(IReadOnlyList<ValueKind> Parameters, IReadOnlyList<ValueKind> Results)
    {
        public bool Matches(IReadOnlyList<ValueKind> parameters, IReadOnlyList<ValueKind> results) =>
            parameters.SequenceEqual(Parameters) && results.SequenceEqual(Results);

        public override string ToString() =>
            $"({string.Join(", ", Parameters.Select(Name))}) -> ({string.Join(", ", Results.Select(Name))})";

        public static string Describe(IReadOnlyList<ValueKind> parameters, IReadOnlyList<ValueKind> results) => new Signature(parameters, results).ToString();

        private static string Name(ValueKind kind) => kind switch
        {
            ValueKind.Int32 => "i32",
            ValueKind.Int64 => "i64",
            ValueKind.Float32 => "f32",
            ValueKind.Float64 => "f64",
            _ => kind.ToString(),
        };
    }
}
