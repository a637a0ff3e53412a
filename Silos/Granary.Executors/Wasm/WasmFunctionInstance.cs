using System.Diagnostics;
using System.Text;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Wasm;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Wasm;

/// <summary>
/// One instance of a WebAssembly function: the guest's exports called in the EDGELESS host sequence. A module that
/// imports a blocking host function (<c>call_asm</c>, <c>call_raw_asm</c>, <c>sync_asm</c>) runs on the instance's own
/// thread (see <see cref="WasmEventThread"/>); any other runs inline on the node's mailbox loop, which saves two thread
/// switches per event. Any trap or ABI violation ends the instance: the callback throws
/// <see cref="WasmFunctionException"/>, the thread (if any) is released, and the node reports the crash.
/// </summary>
internal sealed partial class WasmFunctionInstance : IFunctionInstance
{
    private readonly string _component;
    private readonly IFunctionContext _context;
    private readonly WasmSandboxLimits _limits;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger _logger;
    private readonly WasmEventThread? _thread;
    private readonly Action<WasmFunctionInstance> _onEnded;
    private IWasmInstance _instance = null!;
    private WasmMemory _memory = null!;
    private Func<int, int> _alloc = null!;
    private Action<int, int> _free = null!;
    private Action _clear = null!;
    private Action<int, int, int, int> _handleCast = null!;
    private Func<int, int, int, int, int, int, int> _handleCall = null!;
    private Action<int, int, int, int> _handleInit = null!;
    private Action _handleStop = null!;
    private long _eventStarted;
    private int _ended;

    private WasmFunctionInstance(string component, IFunctionContext context, WasmSandboxLimits limits, WasmExecutorOptions options, ILogger logger, Action<WasmFunctionInstance> onEnded, bool blocks)
    {
        _component = component;
        _context = context;
        _limits = limits;
        _callTimeout = options.CallTimeout;
        _logger = logger;
        _onEnded = onEnded;
        _thread = blocks ? new WasmEventThread($"wasm {component} {context.Self.ComponentId:N}", options.ThreadStackSize) : null;
    }

    /// <summary>Instantiates <paramref name="module"/> on a new instance thread, linking the host functions.</summary>
    public static async Task<WasmFunctionInstance> StartAsync(
        IWasmModule module, string component, IFunctionContext context, WasmSandboxLimits limits, WasmExecutorOptions options, ILogger logger, Action<WasmFunctionInstance> onEnded)
    {
        var blocks = module.Imports.Any(i => i.Module == WasmAbi.ImportModule && i.Name is WasmAbi.Call or WasmAbi.CallRaw or WasmAbi.Sync);
        var self = new WasmFunctionInstance(component, context, limits, options, logger, onEnded, blocks);
        try
        {
            await self.Run(() => self.Instantiate(module)).ConfigureAwait(false);
            return self;
        }
        catch (Exception ex)
        {
            self.End();
            throw ex is WasmFunctionException ? ex : new WasmFunctionException($"WebAssembly function {component} could not start: {ex.Message}", ex);
        }
    }

    public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken) =>
        RunEventAsync(WasmAbi.HandleInit, (initPayload, state), static (self, s) =>
        {
            var payload = Encoding.UTF8.GetBytes(s.initPayload ?? string.Empty);
            var saved = s.state ?? [];
            var payloadPtr = payload.Length > 0 ? self.CopyIn(payload) : 0;
            var statePtr = saved.Length > 0 ? self.CopyIn(saved) : 0;
            self._handleInit(payloadPtr, payload.Length, statePtr, saved.Length);
            if (payload.Length > 0)
            {
                self._free(payloadPtr, payload.Length);
            }

            if (saved.Length > 0)
            {
                self._free(statePtr, saved.Length);
            }
        });

    public Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        RunEventAsync(WasmAbi.HandleCast, (source, message), static (self, s) =>
        {
            self._clear();
            var component = self.CopyInUuid(s.source.ComponentId);
            var node = self.CopyInUuid(s.source.NodeId);
            var payload = self.CopyIn(s.message.Span);
            self._handleCast(node, component, payload, s.message.Length);
            self._free(component, InstanceId.UuidSize);
            self._free(node, InstanceId.UuidSize);
            self._free(payload, s.message.Length);
        });

    public Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        RunEventAsync(WasmAbi.HandleCall, (source, message), static (self, s) =>
        {
            self._clear();
            var component = self.CopyInUuid(s.source.ComponentId);
            var node = self.CopyInUuid(s.source.NodeId);
            var payload = self.CopyIn(s.message.Span);
            var outPtr = self.CopyIn(stackalloc byte[4]);
            var outLen = self.CopyIn(stackalloc byte[4]);
            var code = self._handleCall(node, component, payload, s.message.Length, outPtr, outLen);
            CallResult result;
            switch (code)
            {
                case 0:
                    result = CallResult.NoReply;
                    break;
                case 1:
                    var replyPtr = self.ReadInt32(outPtr);
                    var replyLen = self.ReadInt32(outLen);
                    result = CallResult.Reply(self.Guest(replyPtr, replyLen).ToArray());
                    self._free(replyPtr, replyLen);
                    break;
                default:
                    result = CallResult.Error($"WebAssembly function {self._component} answered the call with error code {code}");
                    break;
            }

            self._free(component, InstanceId.UuidSize);
            self._free(node, InstanceId.UuidSize);
            self._free(payload, s.message.Length);
            self._free(outPtr, 4);
            self._free(outLen, 4);
            return result;
        });

    public Task StopAsync(CancellationToken cancellationToken) =>
        RunEventAsync(WasmAbi.HandleStop, 0, static (self, _) =>
        {
            self._clear();
            self._handleStop();
        });

    public ValueTask DisposeAsync()
    {
        End();
        return ValueTask.CompletedTask;
    }

    /// <summary>Releases the instance's thread (after the event running now, if any).</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _thread?.Dispose();
            _onEnded(this);
        }
    }

    private bool Instantiate(IWasmModule module)
    {
        _instance = module.Instantiate(CreateImports(), _limits.ToEngineLimits());
        _memory = _instance.Memory ?? throw new WasmFunctionException($"WebAssembly function {_component} has no memory.");
        try
        {
            _alloc = _instance.GetFunction<Func<int, int>>(WasmAbi.MemAlloc);
            _free = _instance.GetFunction<Action<int, int>>(WasmAbi.MemFree);
            _clear = _instance.GetFunction<Action>(WasmAbi.MemClear);
            _handleCast = _instance.GetFunction<Action<int, int, int, int>>(WasmAbi.HandleCast);
            _handleCall = _instance.GetFunction<Func<int, int, int, int, int, int, int>>(WasmAbi.HandleCall);
            _handleInit = _instance.GetFunction<Action<int, int, int, int>>(WasmAbi.HandleInit);
            _handleStop = _instance.GetFunction<Action>(WasmAbi.HandleStop);
        }
        catch (Exception ex) when (ex is not WasmFunctionException)
        {
            throw new WasmFunctionException($"WebAssembly function {_component} exports an ABI function with the wrong signature: {ex.Message}", ex);
        }

        return true;
    }

    /// <summary>Runs an event that has no result: inline (no allocation) or on the instance's thread.</summary>
    private Task RunEventAsync<TState>(string export, TState state, Action<WasmFunctionInstance, TState> handler)
    {
        if (Volatile.Read(ref _ended) != 0)
        {
            return Task.FromException(Ended(export));
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
        if (Volatile.Read(ref _ended) != 0)
        {
            return Task.FromException<T>(Ended(export));
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
        BeginEvent();
        try
        {
            handler(this, state);
        }
        catch (Exception ex)
        {
            // Whatever happened, the node now treats the instance as crashed: release its thread.
            End();
            throw Describe(export, ex);
        }
    }

    private T RunEvent<TState, T>(string export, TState state, Func<WasmFunctionInstance, TState, T> handler)
    {
        BeginEvent();
        try
        {
            return handler(this, state);
        }
        catch (Exception ex)
        {
            End();
            throw Describe(export, ex);
        }
    }

    private void BeginEvent()
    {
        if (_thread is not null)
        {
            // Only the blocking host functions (which need a thread of their own) budget their waits by it.
            _eventStarted = Stopwatch.GetTimestamp();
        }

        if (_limits.FuelPerEvent is { } fuel && _instance.FuelRemaining < fuel)
        {
            _instance.AddFuel(fuel - _instance.FuelRemaining);
        }
    }

    private WasmFunctionException Ended(string export) => new($"WebAssembly function {_component} has ended; {export} was not run.");

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

    private WasmFunctionException Describe(string export, Exception ex)
    {
        if (ex is WasmFunctionException known)
        {
            return known;
        }

        var reason = ex is WasmTrapException trap
            ? trap.Kind switch
            {
                WasmTrapKind.DeadlineExceeded => $"{trap.Message} (limit {_limits.MaxEventTime?.TotalMilliseconds} ms per event)",
                WasmTrapKind.FuelExhausted => $"{trap.Message} (limit {_limits.FuelPerEvent} per event)",
                WasmTrapKind.CallStackExhausted => $"{trap.Message} (limit {_limits.MaxCallDepth} nested calls)",
                _ => trap.Message,
            }
            : $"{ex.GetType().Name}: {ex.Message}";
        if (_memory is { } memory && memory.Pages >= memory.LimitPages)
        {
            reason += $"; its memory is at the limit of {memory.LimitPages} pages";
        }

        return new WasmFunctionException($"WebAssembly function {_component} failed in {export}: {reason}", ex);
    }

    private Span<byte> Guest(int ptr, int length) => _memory.Slice((uint)ptr, length);

    private int ReadInt32(int ptr) => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(Guest(ptr, 4));

    private void WriteInt32(int ptr, int value) => System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(Guest(ptr, 4), value);

    /// <summary>Allocates <paramref name="data"/>'s length in the guest with its allocator and copies the bytes there.</summary>
    private int CopyIn(ReadOnlySpan<byte> data)
    {
        var ptr = Allocate(data.Length);
        data.CopyTo(Guest(ptr, data.Length));
        return ptr;
    }

    /// <summary>Allocates <paramref name="length"/> bytes in the guest with its allocator.</summary>
    private int Allocate(int length)
    {
        var ptr = _alloc(length);
        if (ptr == 0 && length > 0)
        {
            throw new WasmFunctionException(
                $"WebAssembly function {_component} could not allocate {length} bytes (edgeless_mem_alloc returned 0; memory {_memory.Pages} of at most {_memory.LimitPages} pages)");
        }

        return ptr;
    }

    private int CopyInUuid(Guid uuid)
    {
        var ptr = Allocate(InstanceId.UuidSize);
        InstanceId.WriteUuid(uuid, Guest(ptr, InstanceId.UuidSize));
        return ptr;
    }
}
