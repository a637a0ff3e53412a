using Wasmtime;

namespace Granary.Executors.Wasm;

/// <summary>
/// A small WebAssembly module instantiated in an instance's store beside the guest, importing the guest's ABI exports,
/// that runs EDGELESS's host sequence of a cast or a call (<c>edgeless_mem_clear</c>, the allocations, the handler, the
/// frees) in two or three calls from .NET instead of eight or twelve. The guest sees exactly the calls it saw before, in
/// the same order, with the same arguments; the host still writes the ids, the payload and the zeroed out-slots into the
/// buffers between the allocations and the handler, and reads a reply before the frees.
/// </summary>
/// <remarks>
/// Measured on the relay example (4-byte casts, a context that does nothing): a call from .NET into WebAssembly costs
/// 30-60 ns (a native transition, then Wasmtime's entry into guest code with its trap handling), a call from one instance
/// to another in the same store a few. Eight such calls per cast were most of the WebAssembly executor's own cost.
/// </remarks>
internal sealed class WasmEventAdapter
{
    /// <summary>
    /// The adapter. <c>begin</c> clears and allocates in EDGELESS's order (component id, node id, payload, then for a
    /// call the two 4-byte out slots); it stops at the first allocation that returns 0 (payloads of length 0 excepted,
    /// as the host checks), leaving 0 for the buffers after it, so that the host reports which one failed. The buffers
    /// of the event stay in the adapter's globals until the handler has run and they are freed.
    /// </summary>
    internal const string Text = """
        (module
          (import "guest" "edgeless_mem_clear" (func $clear))
          (import "guest" "edgeless_mem_alloc" (func $alloc (param i32) (result i32)))
          (import "guest" "edgeless_mem_free" (func $free (param i32 i32)))
          (import "guest" "handle_cast_asm" (func $handle_cast (param i32 i32 i32 i32)))
          (import "guest" "handle_call_asm" (func $handle_call (param i32 i32 i32 i32 i32 i32) (result i32)))
          (global $component (mut i32) (i32.const 0))
          (global $node (mut i32) (i32.const 0))
          (global $payload (mut i32) (i32.const 0))
          (global $length (mut i32) (i32.const 0))
          (global $out_ptr (mut i32) (i32.const 0))
          (global $out_len (mut i32) (i32.const 0))
          (func $begin (param $length i32) (result i32)
            (global.set $component (i32.const 0))
            (global.set $node (i32.const 0))
            (global.set $payload (i32.const 0))
            (global.set $out_ptr (i32.const 0))
            (global.set $out_len (i32.const 0))
            (global.set $length (local.get $length))
            (call $clear)
            (global.set $component (call $alloc (i32.const 16)))
            (if (i32.eqz (global.get $component)) (then (return (i32.const 0))))
            (global.set $node (call $alloc (i32.const 16)))
            (if (i32.eqz (global.get $node)) (then (return (i32.const 0))))
            (global.set $payload (call $alloc (local.get $length)))
            (i32.or (i32.ne (global.get $payload) (i32.const 0)) (i32.eqz (local.get $length))))
          (func $free_ids
            (call $free (global.get $component) (i32.const 16))
            (call $free (global.get $node) (i32.const 16)))
          (func $free_payload
            (if (global.get $length) (then (call $free (global.get $payload) (global.get $length)))))
          (func (export "begin_cast") (param $length i32) (result i32 i32 i32)
            (drop (call $begin (local.get $length)))
            (global.get $component) (global.get $node) (global.get $payload))
          (func (export "handle_cast")
            (call $handle_cast (global.get $node) (global.get $component) (global.get $payload) (global.get $length))
            (call $free_ids)
            (call $free_payload))
          (func (export "begin_call") (param $length i32) (result i32 i32 i32 i32 i32)
            (if (call $begin (local.get $length))
              (then
                (global.set $out_ptr (call $alloc (i32.const 4)))
                (if (global.get $out_ptr) (then (global.set $out_len (call $alloc (i32.const 4)))))))
            (global.get $component) (global.get $node) (global.get $payload) (global.get $out_ptr) (global.get $out_len))
          (func (export "handle_call") (result i32)
            (call $handle_call
              (global.get $node) (global.get $component) (global.get $payload) (global.get $length) (global.get $out_ptr) (global.get $out_len)))
          (func (export "end_call")
            (call $free_ids)
            (call $free (global.get $out_ptr) (i32.const 4))
            (call $free (global.get $out_len) (i32.const 4))
            (call $free_payload)))
        """;

    private readonly Func<int, (int, int, int)> _beginCast;
    private readonly Action _handleCast;
    private readonly Func<int, (int, int, int, int, int)> _beginCall;
    private readonly Func<int> _handleCall;
    private readonly Action _endCall;

    /// <summary>Instantiates the adapter in <paramref name="store"/>, linked to the exports of <paramref name="guest"/>.</summary>
    public WasmEventAdapter(Store store, Module adapter, Instance guest)
    {
        var instance = new Instance(
            store,
            adapter,
            Export(guest, WasmAbi.MemClear),
            Export(guest, WasmAbi.MemAlloc),
            Export(guest, WasmAbi.MemFree),
            Export(guest, WasmAbi.HandleCast),
            Export(guest, WasmAbi.HandleCall));
        _beginCast = instance.GetFunction<int, (int, int, int)>("begin_cast")!;
        _handleCast = instance.GetAction("handle_cast")!;
        _beginCall = instance.GetFunction<int, (int, int, int, int, int)>("begin_call")!;
        _handleCall = instance.GetFunction<int>("handle_call")!;
        _endCall = instance.GetAction("end_call")!;
    }

    /// <summary>Compiles the adapter on <paramref name="engine"/> (once per engine).</summary>
    public static Module Compile(Engine engine) => Module.FromText(engine, "granary-event-adapter", Text);

    /// <summary>Clears the guest's memory and allocates a cast's buffers; 0 for a buffer not allocated.</summary>
    public (int Component, int Node, int Payload) BeginCast(int length) => _beginCast(length);

    /// <summary>Runs <c>handle_cast_asm</c> on the buffers of <see cref="BeginCast"/>, then frees them.</summary>
    public void HandleCast() => _handleCast();

    /// <summary>Clears the guest's memory and allocates a call's buffers; 0 for a buffer not allocated.</summary>
    public (int Component, int Node, int Payload, int OutPtr, int OutLen) BeginCall(int length) => _beginCall(length);

    /// <summary>Runs <c>handle_call_asm</c> on the buffers of <see cref="BeginCall"/> and returns its code.</summary>
    public int HandleCall() => _handleCall();

    /// <summary>Frees the buffers of <see cref="BeginCall"/> (never the reply: it is the guest's).</summary>
    public void EndCall() => _endCall();

    private static Function Export(Instance guest, string name) =>
        guest.GetFunction(name) ?? throw new InvalidOperationException($"the guest does not export {name}");
}
