using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace Granary.Executors.Wasm;

/// <summary>
/// One instance of a WebAssembly function: a Wasmtime store of its own (memory, table and instance limits, a clock
/// with a deadline per event) and the guest's exports called in EDGELESS's host sequence. A module that imports a blocking
/// host function (<c>call_asm</c>, <c>call_raw_asm</c>, <c>sync_asm</c>) runs on the instance's own thread (see
/// <see cref="WasmEventThread"/>); any other runs inline on the node's mailbox loop, which saves two thread switches
/// per event. Any trap or ABI violation ends the instance: the callback throws <see cref="WasmFunctionException"/>,
/// the store and thread are released, and the node reports the crash.
/// </summary>
internal sealed partial class WasmFunctionInstance : IFunctionInstance
{
    private const int SlotSize = 4;

    private readonly string _component;
    private readonly IFunctionContext _context;
    private readonly WasmSandboxLimits _limits;
    private readonly WasmEngine _engine;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger _logger;
    private readonly WasmEventThread? _thread;
    private readonly Action<WasmFunctionInstance> _onEnded;
    private Store? _store;
    private Instance _instance = null!;
    private Action<int, int, int, int> _handleInit = null!;

    // Looked up (or, for the adapter, instantiated) on first use: each lookup costs microseconds in a new store, and
    // starting an instance needs none of them.
    private Memory? _memory;
    private Func<int, int>? _alloc;
    private Action<int, int>? _free;
    private Action? _clear;
    private Action? _handleStop;
    private WasmEventAdapter? _adapter;
    private WasiOutput? _stdout;
    private WasiOutput? _stderr;
    private WasmClock? _clock;
    private long _eventStarted;
    private int _state;
    private nint _memoryBase;
    private ulong _memoryLength;

    private const int Idle = 0;
    private const int Running = 1;
    private const int Ended = 2;
    private const int EndedWhileRunning = 3;

    private WasmFunctionInstance(string component, IFunctionContext context, WasmSandboxLimits limits, WasmEngine engine, WasmExecutorOptions options, ILogger logger, Action<WasmFunctionInstance> onEnded, bool ownThread)
    {
        _component = component;
        _context = context;
        _limits = limits;
        _engine = engine;
        _callTimeout = options.CallTimeout;
        _logger = logger;
        _onEnded = onEnded;
        if (ownThread)
        {
            var stack = Math.Max(options.ThreadStackSize, engine.MaxWasmStackBytes + (1024 * 1024));
            _thread = new WasmEventThread($"wasm {component} {context.Self.ComponentId:N}", stack);
        }
    }

    /// <summary>
    /// Instantiates <paramref name="module"/> in a new store with the instance's limits (on the instance's thread, if it
    /// has one) and runs the WASI reactor initializer if the module exports one.
    /// </summary>
    public static async Task<WasmFunctionInstance> StartAsync(
        WasmCompiledModule module, string component, IFunctionContext context, WasmSandboxLimits limits, WasmEngine engine, WasmExecutorOptions options, ILogger logger, Action<WasmFunctionInstance> onEnded)
    {
        // A thread-pool thread has room for the default WebAssembly stack; a larger one needs a thread of its own.
        var ownThread = module.Blocks || engine.MaxWasmStackBytes > WasmExecutorOptions.DefaultMaxWasmStackBytes;
        var self = new WasmFunctionInstance(component, context, limits, engine, options, logger, onEnded, ownThread);
        try
        {
            await self.Run(() => self.Instantiate(module)).ConfigureAwait(false);
            return self;
        }
        catch (Exception ex)
        {
            var error = ex as WasmFunctionException ?? new WasmFunctionException($"WebAssembly function {component} could not start: {self.Reason(ex)}", ex);
            self.End();
            throw error;
        }
    }

    public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken) =>
        RunEventAsync(WasmAbi.HandleInit, (initPayload, state), static (self, s) =>
        {
            // As EDGELESS: no mem_clear before init; a payload or state that is present is copied in (even when
            // empty), passed with its length, and freed afterwards unless empty.
            var payload = s.initPayload is null ? null : Encoding.UTF8.GetBytes(s.initPayload);
            var payloadPtr = payload is null ? 0 : self.CopyIn(payload);
            var statePtr = s.state is null ? 0 : self.CopyIn(s.state);
            var payloadLength = payload?.Length ?? 0;
            var stateLength = s.state?.Length ?? 0;
            self._handleInit(payloadPtr, payloadLength, statePtr, stateLength);
            if (payloadLength > 0)
            {
                self.Free(payloadPtr, payloadLength);
            }

            if (stateLength > 0)
            {
                self.Free(statePtr, stateLength);
            }
        });

    private Action Clear => _clear ??= _instance.GetAction(WasmAbi.MemClear)!;

    private Memory GuestMemory => _memory ??= _instance.GetMemory(WasmAbi.Memory)!;

    private Action<int, int> Free => _free ??= _instance.GetAction<int, int>(WasmAbi.MemFree)!;

    private WasmEventAdapter Adapter => _adapter ??= new WasmEventAdapter(_store!, _engine.EventAdapter, _instance, GuestMemory, _clock!);

    public Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        RunEventAsync(WasmAbi.HandleCast, (source, message), static (self, s) =>
        {
            // EDGELESS's sequence: clear; allocate component id, node id, payload; the handler (node id first); free them.
            var adapter = self.Adapter;
            if (s.message.Length <= WasmEventAdapter.MaxInlinePayload)
            {
                if (!adapter.Cast(s.source.ComponentId, s.source.NodeId, s.message.Span))
                {
                    // Fails naming the first buffer not allocated.
                    var (c, n, p) = adapter.CastBuffers;
                    self.Allocated(c, InstanceId.UuidSize);
                    self.Allocated(n, InstanceId.UuidSize);
                    self.Allocated(p, s.message.Length);
                }

                return;
            }

            var (component, node, payload) = adapter.BeginCast(s.message.Length);
            self.WriteIn(s.source, component, node, payload, s.message.Span);
            adapter.HandleCast();
        });

    public Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        RunEventAsync(WasmAbi.HandleCall, (source, message), static (self, s) =>
        {
            // As a cast, plus two zeroed 4-byte out slots after the payload; the reply is read before the frees (ids,
            // slots, payload).
            var adapter = self.Adapter;
            var (component, node, payload, outPtr, outLen) = adapter.BeginCall(s.message.Length);
            self.WriteIn(s.source, component, node, payload, s.message.Span);
            self.Allocated(outPtr, SlotSize);
            self.Allocated(outLen, SlotSize);
            self.WriteInt32(outPtr, 0);
            self.WriteInt32(outLen, 0);
            var code = adapter.HandleCall();
            var result = code switch
            {
                // The reply buffer belongs to the guest (the Rust crate frees it itself): it is copied, never freed here.
                1 => CallResult.Reply(self.Guest(self.ReadInt32(outPtr), self.ReadInt32(outLen)).ToArray()),
                0 => CallResult.NoReply,
                _ => CallResult.Error($"WebAssembly function {self._component} answered the call with error code {code}"),
            };
            adapter.EndCall();
            return result;
        });

    public Task StopAsync(CancellationToken cancellationToken) =>
        RunEventAsync(WasmAbi.HandleStop, 0, static (self, _) =>
        {
            self.Clear();
            (self._handleStop ??= self._instance.GetAction(WasmAbi.HandleStop)!)();
        });

    public ValueTask DisposeAsync()
    {
        End();
        return ValueTask.CompletedTask;
    }

    /// <summary>Ends the instance: its store is released now, or when the event running now (if any) returns.</summary>
    public void End()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state >= Ended)
            {
                return;
            }

            var next = state == Running ? EndedWhileRunning : Ended;
            if (Interlocked.CompareExchange(ref _state, next, state) == state)
            {
                if (next == Ended)
                {
                    ReleaseStore();
                }

                break;
            }
        }

        _thread?.Dispose();
        _onEnded(this);
    }

    private bool Instantiate(WasmCompiledModule module)
    {
        BeginEvent("instantiation");
        try
        {
            var store = new Store(_engine.Engine, this);
            _store = store;
            // Two instances: the guest, and the event adapter (no memory or table of its own) linked to it on first use;
            // two memories: the guest's, and its clock.
            store.SetLimits(
                memorySize: (long)_limits.MaxMemoryPages * Memory.PageSize,
                tableElements: _limits.MaxTableElements,
                instances: 2,
                tables: 1,
                memories: 2);
            if (module.UsesWasi)
            {
                // No arguments, environment, preopened directories or sockets: only stdout and stderr, into the log.
                _stdout = new WasiOutput(this, TelemetryLevel.Info, "stdout");
                _stderr = new WasiOutput(this, TelemetryLevel.Warn, "stderr");
                store.SetWasiConfiguration(new WasiConfiguration()
                    .WithArg(_component)
                    .WithStandardOutputCallback(_stdout.Write)
                    .WithStandardErrorCallback(_stderr.Write));
            }

            // No guest code runs during instantiation: a start function is run below, once the clock has a deadline.
            var instance = _engine.Linker.Instantiate(store, module.Module);
            _instance = instance;
            _clock = _engine.StartClock(instance);
            SetDeadline();
            _handleInit = instance.GetAction<int, int, int, int>(WasmAbi.HandleInit)!;
            if (module.HasStart)
            {
                instance.GetAction(WasmClockChecks.StartExport)!();
            }

            if (module.HasInitialize)
            {
                instance.GetAction(WasmAbi.WasiInitialize)!();
            }

            return true;
        }
        finally
        {
            FinishEvent();
        }
    }

    /// <summary>Runs an event that has no result: inline (no allocation) or on the instance's thread.</summary>
    private Task RunEventAsync<TState>(string export, TState state, Action<WasmFunctionInstance, TState> handler)
    {
        if (Volatile.Read(ref _state) >= Ended)
        {
            return Task.FromException(EndedError(export));
        }

        if (_thread is not null)
        {
            return RunEventOnThreadAsync(export, state, handler);
        }

        try
        {
            RunEvent(export, state, handler);
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    /// <summary>Runs an event with a result: inline or on the instance's thread.</summary>
    private Task<T> RunEventAsync<TState, T>(string export, TState state, Func<WasmFunctionInstance, TState, T> handler)
    {
        if (Volatile.Read(ref _state) >= Ended)
        {
            return Task.FromException<T>(EndedError(export));
        }

        if (_thread is not null)
        {
            return RunEventOnThreadAsync(export, state, handler);
        }

        try
        {
            return Task.FromResult(RunEvent(export, state, handler));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    // Separate methods so that the closures are only allocated on this path, not on entry to the inline path.
    private Task<bool> RunEventOnThreadAsync<TState>(string export, TState state, Action<WasmFunctionInstance, TState> handler) =>
        _thread!.RunAsync(() =>
        {
            RunEvent(export, state, handler);
            return true;
        });

    private Task<T> RunEventOnThreadAsync<TState, T>(string export, TState state, Func<WasmFunctionInstance, TState, T> handler) =>
        _thread!.RunAsync(() => RunEvent(export, state, handler));

    private void RunEvent<TState>(string export, TState state, Action<WasmFunctionInstance, TState> handler)
    {
        BeginEvent(export);
        try
        {
            handler(this, state);
        }
        catch (Exception ex)
        {
            // Whatever happened, the node now treats the instance as crashed: release its store and thread.
            var error = Describe(export, ex);
            End();
            throw error;
        }
        finally
        {
            FinishEvent();
        }
    }

    private T RunEvent<TState, T>(string export, TState state, Func<WasmFunctionInstance, TState, T> handler)
    {
        BeginEvent(export);
        try
        {
            return handler(this, state);
        }
        catch (Exception ex)
        {
            var error = Describe(export, ex);
            End();
            throw error;
        }
        finally
        {
            FinishEvent();
        }
    }

    private void BeginEvent(string export)
    {
        if (Interlocked.CompareExchange(ref _state, Running, Idle) != Idle)
        {
            throw EndedError(export);
        }

        if (_thread is not null)
        {
            // Only the blocking host functions (which need a thread of their own) budget their waits by it.
            _eventStarted = Stopwatch.GetTimestamp();
        }

        SetDeadline();
    }

    private void FinishEvent()
    {
        _stdout?.Flush();
        _stderr?.Flush();

        // Ended meanwhile (a trap, or the silo going away): the store could not be released while the guest ran.
        if (Interlocked.CompareExchange(ref _state, Idle, Running) == EndedWhileRunning)
        {
            Volatile.Write(ref _state, Ended);
            ReleaseStore();
        }
    }

    /// <summary>Sets the deadline of the event starting now (no clock yet while the store is being instantiated).</summary>
    private void SetDeadline() => _clock?.SetDeadline(_limits.MaxEventTime);

    private void ReleaseStore()
    {
        // The ticker must be done with the clock's memory before the store releases it.
        Interlocked.Exchange(ref _clock, null)?.Dispose();
        Interlocked.Exchange(ref _store, null)?.Dispose();
    }

    private WasmFunctionException EndedError(string export) => new($"WebAssembly function {_component} has ended; {export} was not run.");

    private Task<T> Run<T>(Func<T> action)
    {
        if (_thread is not null)
        {
            return _thread.RunAsync(action);
        }

        try
        {
            return Task.FromResult(action());
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private WasmFunctionException Describe(string export, Exception ex) =>
        ex as WasmFunctionException
        ?? (ex.InnerException as WasmFunctionException is { } inner
            ? new WasmFunctionException(inner.Message, ex)
            : new WasmFunctionException($"WebAssembly function {_component} failed in {export}: {Reason(ex)}", ex));

    /// <summary>Why the guest failed, in one line: the trap (with the limit it hit) or the host-side error.</summary>
    private string Reason(Exception ex)
    {
        var reason = ex switch
        {
            TrapException { Type: TrapCode.Unreachable } when _clock is { Expired: true } => $"deadline exceeded (limit {_limits.MaxEventTime?.TotalMilliseconds} ms per event)",
            TrapException { Type: TrapCode.StackOverflow } => $"call stack exhausted (limit {_engine.MaxWasmStackBytes / 1024} KiB of WebAssembly stack)",
            TrapException { Type: TrapCode.Unreachable } => "unreachable executed",
            TrapException trap => $"trap {trap.Type}: {Cause(trap.Message)}",
            WasmtimeException { ExitCode: { } code } => $"the guest exited with code {code}",
            WasmtimeException { InnerException: { } inner } => $"{inner.GetType().Name}: {inner.Message}",
            // The pool has two memories per instance (the guest's and its clock): its own count would mislead.
            WasmtimeException full when full.Message.Contains("maximum concurrent limit", StringComparison.Ordinal) =>
                $"the node runs its limit of {_engine.MaxInstances} WebAssembly instances (WasmExecutorOptions.MaxInstances)",
            WasmtimeException wasmtime => Cause(wasmtime.Message),
            _ => $"{ex.GetType().Name}: {ex.Message}",
        };
        if (_store is not null && _instance is not null && GuestMemory.GetSize() >= _limits.MaxMemoryPages)
        {
            reason += $"; its memory is at the limit of {_limits.MaxMemoryPages} pages";
        }

        return reason;
    }

    /// <summary>The last "Caused by" line of a Wasmtime error (the first lines are the backtrace).</summary>
    private static string Cause(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? message : lines[^1];
    }

    /// <summary>The guest's bytes at [ptr, ptr + length); a range outside its memory is an ABI violation.</summary>
    /// <remarks>
    /// Two native calls per access (base and size) would cost more than a small cast itself, so both are kept and
    /// the size is read again only when a range goes past it: a linear memory never shrinks, and in the engine's
    /// pooling allocator it never moves either (it grows in place inside its slot).
    /// </remarks>
    private Span<byte> Guest(int ptr, int length)
    {
        var end = (ulong)(uint)ptr + (ulong)(uint)length;
        if (length < 0 || end > _memoryLength)
        {
            var memory = GuestMemory;
            _memoryBase = memory.GetPointer();
            _memoryLength = (ulong)memory.GetLength();
            if (length < 0 || end > _memoryLength)
            {
                throw new WasmFunctionException(
                    $"WebAssembly function {_component} passed a buffer outside its memory ({length} bytes at {(uint)ptr}, memory {_memoryLength} bytes)");
            }
        }

        return MemoryMarshal.CreateSpan(ref Unsafe.AddByteOffset(ref Unsafe.NullRef<byte>(), _memoryBase + (nint)(uint)ptr), length);
    }

    private int ReadInt32(int ptr) => BinaryPrimitives.ReadInt32LittleEndian(Guest(ptr, SlotSize));

    private void WriteInt32(int ptr, int value) => BinaryPrimitives.WriteInt32LittleEndian(Guest(ptr, SlotSize), value);

    /// <summary>Allocates <paramref name="data"/>'s length in the guest with its allocator and copies the bytes there.</summary>
    private int CopyIn(ReadOnlySpan<byte> data)
    {
        var ptr = Allocate(data.Length);
        data.CopyTo(Guest(ptr, data.Length));
        return ptr;
    }

    /// <summary>Allocates <paramref name="length"/> bytes in the guest with its allocator.</summary>
    private int Allocate(int length) => Allocated((_alloc ??= _instance.GetFunction<int, int>(WasmAbi.MemAlloc)!)(length), length);

    /// <summary>Fails naming the length when the guest's allocator returned 0 for a buffer of <paramref name="length"/> bytes.</summary>
    private int Allocated(int ptr, int length)
    {
        if (ptr == 0 && length > 0)
        {
            throw new WasmFunctionException(
                $"WebAssembly function {_component} could not allocate {length} bytes (edgeless_mem_alloc returned 0; memory {GuestMemory.GetSize()} of at most {_limits.MaxMemoryPages} pages)");
        }

        return ptr;
    }

    /// <summary>
    /// Writes an event's source ids and payload into the buffers the adapter allocated for them, after checking, in the
    /// order they were allocated, that each was.
    /// </summary>
    private void WriteIn(InstanceId source, int component, int node, int payload, ReadOnlySpan<byte> message)
    {
        InstanceId.WriteUuid(source.ComponentId, Guest(Allocated(component, InstanceId.UuidSize), InstanceId.UuidSize));
        InstanceId.WriteUuid(source.NodeId, Guest(Allocated(node, InstanceId.UuidSize), InstanceId.UuidSize));
        message.CopyTo(Guest(Allocated(payload, message.Length), message.Length));
    }

    /// <summary>
    /// What a WASI guest writes to stdout or stderr, as lines in the instance's log. Wasmtime calls <see cref="Write"/>
    /// on a thread of its own while the guest waits, so the buffer is locked; a partial line is flushed after each event.
    /// </summary>
    private sealed class WasiOutput(WasmFunctionInstance owner, TelemetryLevel level, string stream)
    {
        private const int MaxLine = 4096;
        private readonly List<byte> _pending = [];
        private readonly Lock _lock = new();

        public void Write(ReadOnlySpan<byte> data)
        {
            lock (_lock)
            {
                foreach (var b in data)
                {
                    if (b == (byte)'\n')
                    {
                        Emit();
                    }
                    else
                    {
                        _pending.Add(b);
                        if (_pending.Count >= MaxLine)
                        {
                            Emit();
                        }
                    }
                }
            }
        }

        public void Flush()
        {
            lock (_lock)
            {
                if (_pending.Count > 0)
                {
                    Emit();
                }
            }
        }

        private void Emit()
        {
            var line = Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(_pending)).TrimEnd('\r');
            _pending.Clear();
            owner._context.TelemetryLog(level, stream, line);
        }
    }
}
