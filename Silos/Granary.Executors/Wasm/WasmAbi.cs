namespace Granary.Executors.Wasm;

/// <summary>
/// Names of the EDGELESS WebAssembly ABI: host functions a guest imports from module <c>env</c>, and what the guest
/// exports. See REFERENCE section 2 for signatures and the call sequence.
/// </summary>
public static class WasmAbi
{
    /// <summary>The import module name of every host function.</summary>
    public const string ImportModule = "env";

    /// <summary>(target_ptr, target_len, payload_ptr, payload_len): one-way event to an output alias.</summary>
    public const string Cast = "cast_asm";

    /// <summary>(node_id_ptr, component_id_ptr, payload_ptr, payload_len): one-way event to an explicit instance.</summary>
    public const string CastRaw = "cast_raw_asm";

    /// <summary>(target_ptr, target_len, payload_ptr, payload_len, out_ptr_ptr, out_len_ptr) → 0 no reply, 1 reply, 2 error.</summary>
    public const string Call = "call_asm";

    /// <summary>(node_id_ptr, component_id_ptr, payload_ptr, payload_len, out_ptr_ptr, out_len_ptr) → 0, 1 or 2.</summary>
    public const string CallRaw = "call_raw_asm";

    /// <summary>(level 1..5, target_ptr, target_len, msg_ptr, msg_len).</summary>
    public const string TelemetryLog = "telemetry_log_asm";

    /// <summary>(out_node_id_ptr, out_component_id_ptr): the host writes 16 + 16 bytes.</summary>
    public const string Self = "slf_asm";

    /// <summary>(delay_ms: i64, target_ptr, target_len, payload_ptr, payload_len).</summary>
    public const string DelayedCast = "delayed_cast_asm";

    /// <summary>(data_ptr, data_len): saves the instance's state.</summary>
    public const string Sync = "sync_asm";

    /// <summary>The guest's linear memory.</summary>
    public const string Memory = "memory";

    /// <summary>(len) → ptr.</summary>
    public const string MemAlloc = "edgeless_mem_alloc";

    /// <summary>(ptr, len).</summary>
    public const string MemFree = "edgeless_mem_free";

    /// <summary>(): called before each cast, call and stop.</summary>
    public const string MemClear = "edgeless_mem_clear";

    /// <summary>(node_id_ptr, component_id_ptr, payload_ptr, payload_len).</summary>
    public const string HandleCast = "handle_cast_asm";

    /// <summary>(node_id_ptr, component_id_ptr, payload_ptr, payload_len, out_ptr_ptr, out_len_ptr) → 0, 1 or error.</summary>
    public const string HandleCall = "handle_call_asm";

    /// <summary>(payload_ptr, payload_len, state_ptr, state_len); length 0 means none.</summary>
    public const string HandleInit = "handle_init_asm";

    /// <summary>().</summary>
    public const string HandleStop = "handle_stop_asm";

    /// <summary>Every function the guest must export, besides <see cref="Memory"/>.</summary>
    public static IReadOnlyList<string> RequiredFunctionExports { get; } =
        [MemAlloc, MemFree, MemClear, HandleCast, HandleCall, HandleInit, HandleStop];
}
