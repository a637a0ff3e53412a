using System.Runtime.InteropServices;
using Granary.Grains.Identity;
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
    /// of the event stay in the adapter's globals until the handler has run and they are freed; <c>begin_cast</c> and
    /// <c>begin_call</c> also leave them in the instance's clock page, after the deadline, where the host reads them
    /// (<see cref="Buffers"/>): a call from .NET with results costs more than one without, and the guest cannot touch
    /// that page. <c>cast</c> runs a whole cast in one call from .NET: the host has put the two ids and the payload in
    /// the clock page (<see cref="MaxInlinePayload"/>), and the adapter copies them into the guest's buffers between the
    /// allocations and the handler, where the host would write them.
    /// </summary>
    internal const string Text = """
        (module
          (import "guest" "granary:clock" (memory $clock 1 1))
          (import "guest" "memory" (memory $guest 0))
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
          (func $report
            (i32.store offset=8 (i32.const 0) (global.get $component))
            (i32.store offset=12 (i32.const 0) (global.get $node))
            (i32.store offset=16 (i32.const 0) (global.get $payload))
            (i32.store offset=20 (i32.const 0) (global.get $out_ptr))
            (i32.store offset=24 (i32.const 0) (global.get $out_len)))
          (func (export "begin_cast") (param $length i32)
            (drop (call $begin (local.get $length)))
            (call $report))
          (func (export "cast") (param $length i32) (result i32)
            (if (i32.eqz (call $begin (local.get $length))) (then (call $report) (return (i32.const 0))))
            (memory.copy $guest $clock (global.get $component) (i32.const 32) (i32.const 16))
            (memory.copy $guest $clock (global.get $node) (i32.const 48) (i32.const 16))
            (memory.copy $guest $clock (global.get $payload) (i32.const 64) (local.get $length))
            (call $handle_cast (global.get $node) (global.get $component) (global.get $payload) (global.get $length))
            (call $free_ids)
            (call $free_payload)
            (i32.const 1))
          (func (export "handle_cast")
            (call $handle_cast (global.get $node) (global.get $component) (global.get $payload) (global.get $length))
            (call $free_ids)
            (call $free_payload))
          (func (export "begin_call") (param $length i32)
            (if (call $begin (local.get $length))
              (then
                (global.set $out_ptr (call $alloc (i32.const 4)))
                (if (global.get $out_ptr) (then (global.set $out_len (call $alloc (i32.const 4)))))))
            (call $report))
          (func (export "handle_call") (result i32)
            (call $handle_call
              (global.get $node) (global.get $component) (global.get $payload) (global.get $length) (global.get $out_ptr) (global.get $out_len)))
          (func (export "end_call")
            (call $free_ids)
            (call $free (global.get $out_ptr) (i32.const 4))
            (call $free (global.get $out_len) (i32.const 4))
            (call $free_payload)))
        """;

    /// <summary>The longest payload <see cref="Cast"/> takes: what the clock page has room for after the ids.</summary>
    public const int MaxInlinePayload = Memory.PageSize - PayloadOffset;

    /// <summary>Where <c>begin_cast</c> and <c>begin_call</c> leave the event's buffers, in the clock page.</summary>
    private const int BuffersOffset = 8;

    /// <summary>Where the host puts the component id, node id and payload for <c>cast</c>, in the clock page.</summary>
    private const int IdsOffset = 32, PayloadOffset = 64;

    private readonly Func<int, int> _cast;
    private readonly WasmClock _clock;

    private readonly Action<int> _beginCast;
    private readonly Action _handleCast;
    private readonly Action<int> _beginCall;
    private readonly Func<int> _handleCall;
    private readonly Action _endCall;

    /// <summary>
    /// Instantiates the adapter in <paramref name="store"/>, linked to the exports of <paramref name="guest"/>, its
    /// memory <paramref name="guestMemory"/> and its clock <paramref name="clock"/>.
    /// </summary>
    public WasmEventAdapter(Store store, Module adapter, Instance guest, Memory guestMemory, WasmClock clock)
    {
        var instance = new Instance(
            store,
            adapter,
            clock.Memory,
            guestMemory,
            Export(guest, WasmAbi.MemClear),
            Export(guest, WasmAbi.MemAlloc),
            Export(guest, WasmAbi.MemFree),
            Export(guest, WasmAbi.HandleCast),
            Export(guest, WasmAbi.HandleCall));
        _cast = instance.GetFunction<int, int>("cast")!;
        _beginCast = instance.GetAction<int>("begin_cast")!;
        _handleCast = instance.GetAction("handle_cast")!;
        _beginCall = instance.GetAction<int>("begin_call")!;
        _handleCall = instance.GetFunction<int>("handle_call")!;
        _endCall = instance.GetAction("end_call")!;
        _clock = clock;
    }

    /// <summary>The five buffers the adapter last allocated: component id, node id, payload, out pointer, out length.</summary>
    private ReadOnlySpan<int> Buffers => MemoryMarshal.Cast<byte, int>(_clock.Page.Slice(BuffersOffset, 5 * sizeof(int)));

    /// <summary>Compiles the adapter on <paramref name="engine"/> (once per engine).</summary>
    public static Module Compile(Engine engine) => Module.FromText(engine, "granary-event-adapter", Text);

    /// <summary>
    /// Runs a whole cast of at most <see cref="MaxInlinePayload"/> bytes: clears the guest's memory, allocates its
    /// buffers, copies <paramref name="component"/>, <paramref name="node"/> and <paramref name="payload"/> into them,
    /// runs <c>handle_cast_asm</c> and frees them. False, and nothing run, if an allocation failed (then
    /// <see cref="CastBuffers"/> tells which).
    /// </summary>
    public bool Cast(Guid component, Guid node, ReadOnlySpan<byte> payload)
    {
        var page = _clock.Page;
        InstanceId.WriteUuid(component, page.Slice(IdsOffset, InstanceId.UuidSize));
        InstanceId.WriteUuid(node, page.Slice(IdsOffset + InstanceId.UuidSize, InstanceId.UuidSize));
        payload.CopyTo(page[PayloadOffset..]);
        return _cast(payload.Length) != 0;
    }

    /// <summary>The buffers of the last cast: 0 for one not allocated.</summary>
    public (int Component, int Node, int Payload) CastBuffers
    {
        get
        {
            var b = Buffers;
            return (b[0], b[1], b[2]);
        }
    }

    /// <summary>Clears the guest's memory and allocates a cast's buffers; 0 for a buffer not allocated.</summary>
    public (int Component, int Node, int Payload) BeginCast(int length)
    {
        _beginCast(length);
        return CastBuffers;
    }

    /// <summary>Runs <c>handle_cast_asm</c> on the buffers of <see cref="BeginCast"/>, then frees them.</summary>
    public void HandleCast() => _handleCast();

    /// <summary>Clears the guest's memory and allocates a call's buffers; 0 for a buffer not allocated.</summary>
    public (int Component, int Node, int Payload, int OutPtr, int OutLen) BeginCall(int length)
    {
        _beginCall(length);
        var b = Buffers;
        return (b[0], b[1], b[2], b[3], b[4]);
    }

    /// <summary>Runs <c>handle_call_asm</c> on the buffers of <see cref="BeginCall"/> and returns its code.</summary>
    public int HandleCall() => _handleCall();

    /// <summary>Frees the buffers of <see cref="BeginCall"/> (never the reply: it is the guest's).</summary>
    public void EndCall() => _endCall();

    private static Function Export(Instance guest, string name) =>
        guest.GetFunction(name) ?? throw new InvalidOperationException($"the guest does not export {name}");
}
