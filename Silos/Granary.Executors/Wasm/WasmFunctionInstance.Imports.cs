using System.Diagnostics;
using System.Text;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Microsoft.Extensions.Logging;
using Wasmtime;

namespace Granary.Executors.Wasm;

// The host functions of module "env", defined once in the engine's linker. Each finds its instance through the
// store's data; it runs on the instance's thread while the guest is inside one of its handlers, so it may read and
// write the guest's memory and call its allocator.
internal sealed partial class WasmFunctionInstance
{
    private const int MaxCachedNameBytes = 64;

    private readonly (byte[] Utf8, string Text)[] _names = new (byte[], string)[8];
    private int _nameCount;
    private byte[]? _selfBytes;

    /// <summary>Defines the EDGELESS host functions in <paramref name="linker"/>, for stores whose data is an instance.</summary>
    internal static void DefineHostFunctions(Linker linker)
    {
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.Cast, (Caller c, int targetPtr, int targetLen, int payloadPtr, int payloadLen) =>
            Of(c).CastImport(targetPtr, targetLen, payloadPtr, payloadLen));
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.CastRaw, (Caller c, int nodePtr, int componentPtr, int payloadPtr, int payloadLen) =>
            Of(c).CastRawImport(nodePtr, componentPtr, payloadPtr, payloadLen));
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.Call, (Caller c, int targetPtr, int targetLen, int payloadPtr, int payloadLen, int outPtrPtr, int outLenPtr) =>
            Of(c).CallImport(targetPtr, targetLen, payloadPtr, payloadLen, outPtrPtr, outLenPtr));
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.CallRaw, (Caller c, int nodePtr, int componentPtr, int payloadPtr, int payloadLen, int outPtrPtr, int outLenPtr) =>
            Of(c).CallRawImport(nodePtr, componentPtr, payloadPtr, payloadLen, outPtrPtr, outLenPtr));
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.TelemetryLog, (Caller c, int level, int targetPtr, int targetLen, int messagePtr, int messageLen) =>
            Of(c).TelemetryLogImport(level, targetPtr, targetLen, messagePtr, messageLen));
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.Self, (Caller c, int nodePtr, int componentPtr) =>
            Of(c).SelfImport(nodePtr, componentPtr));
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.DelayedCast, (Caller c, long delayMs, int targetPtr, int targetLen, int payloadPtr, int payloadLen) =>
            Of(c).DelayedCastImport(delayMs, targetPtr, targetLen, payloadPtr, payloadLen));
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.Sync, (Caller c, int dataPtr, int dataLen) =>
            Of(c).SyncImport(dataPtr, dataLen));
        linker.DefineFunction(WasmAbi.ImportModule, WasmAbi.TaskExit, (Caller c, int exitCode) =>
            Of(c)._context.Exit(exitCode));
    }

    private static WasmFunctionInstance Of(Caller caller) =>
        caller.GetData() as WasmFunctionInstance ?? throw new InvalidOperationException("an EDGELESS host function was called from a store that is not a function instance's");

    private void CastImport(int targetPtr, int targetLen, int payloadPtr, int payloadLen) =>
        _context.Cast(ReadName(targetPtr, targetLen), Guest(payloadPtr, payloadLen).ToArray());

    private void CastRawImport(int nodePtr, int componentPtr, int payloadPtr, int payloadLen) =>
        _context.CastRaw(ReadInstanceId(nodePtr, componentPtr), Guest(payloadPtr, payloadLen).ToArray());

    private int CallImport(int targetPtr, int targetLen, int payloadPtr, int payloadLen, int outPtrPtr, int outLenPtr)
    {
        var target = ReadName(targetPtr, targetLen);
        var payload = Guest(payloadPtr, payloadLen).ToArray();
        return WaitForCall(target, token => _context.CallAsync(target, payload, token), outPtrPtr, outLenPtr);
    }

    private int CallRawImport(int nodePtr, int componentPtr, int payloadPtr, int payloadLen, int outPtrPtr, int outLenPtr)
    {
        var target = ReadInstanceId(nodePtr, componentPtr);
        var payload = Guest(payloadPtr, payloadLen).ToArray();
        return WaitForCall(target.ToString(), token => _context.CallRawAsync(target, payload, token), outPtrPtr, outLenPtr);
    }

    private void TelemetryLogImport(int level, int targetPtr, int targetLen, int messagePtr, int messageLen)
    {
        // EDGELESS logs a level outside 1..5 as an error.
        var mapped = level is >= (int)TelemetryLevel.Error and <= (int)TelemetryLevel.Trace ? (TelemetryLevel)level : TelemetryLevel.Error;
        _context.TelemetryLog(mapped, ReadName(targetPtr, targetLen), ReadString(messagePtr, messageLen));
    }

    private void SelfImport(int nodePtr, int componentPtr)
    {
        // The ABI layout of this instance's id, made once: guests ask for it on many events (edgeless_is_self).
        var self = _selfBytes ??= _context.Self.ToBytes();
        self.AsSpan(0, InstanceId.UuidSize).CopyTo(Guest(nodePtr, InstanceId.UuidSize));
        self.AsSpan(InstanceId.UuidSize, InstanceId.UuidSize).CopyTo(Guest(componentPtr, InstanceId.UuidSize));
    }

    private void DelayedCastImport(long delayMs, int targetPtr, int targetLen, int payloadPtr, int payloadLen)
    {
        _context.DelayedCast(TimeSpan.FromMilliseconds(Math.Max(0, delayMs)), ReadName(targetPtr, targetLen), Guest(payloadPtr, payloadLen).ToArray());
    }

    private void SyncImport(int dataPtr, int dataLen)
    {
        var state = Guest(dataPtr, dataLen).ToArray();
        var timeout = WaitBudget();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            // Blocking here is deliberate (the ABI is synchronous) and safe: this is the instance's own thread.
            if (!_context.SyncAsync(state, cts.Token).Wait(timeout))
            {
                LogSyncFailed(_logger, _component, $"not saved within {timeout.TotalMilliseconds} ms");
            }
        }
        catch (AggregateException ex)
        {
            LogSyncFailed(_logger, _component, ex.InnerException?.Message ?? ex.Message);
        }
    }

    /// <summary>
    /// Blocks the guest until the call answers, at most <see cref="WasmExecutorOptions.CallTimeout"/> and never past
    /// the event's own time limit; then copies a reply into the guest (with its allocator: the buffer is the guest's)
    /// and writes its pointer and length, 4 bytes little endian each, at the out slots. Returns the ABI code: 0 no
    /// reply, 1 reply, 2 error (timeouts included).
    /// </summary>
    private int WaitForCall(string target, Func<CancellationToken, Task<CallResult>> call, int outPtrPtr, int outLenPtr)
    {
        var timeout = WaitBudget();
        CallResult result;
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                // Blocking is deliberate (call_asm is synchronous) and safe: this is the instance's own thread, not a
                // grain's or the thread pool's, and the wait is bounded.
                var pending = call(cts.Token);
                if (!pending.Wait(timeout))
                {
                    LogCallFailed(_logger, _component, target, $"no answer within {timeout.TotalMilliseconds} ms");
                    return (int)CallResultKind.Error;
                }

                result = pending.Result;
            }
            catch (AggregateException ex)
            {
                LogCallFailed(_logger, _component, target, ex.InnerException?.Message ?? ex.Message);
                return (int)CallResultKind.Error;
            }
        }

        if (result.Kind != CallResultKind.Reply)
        {
            return (int)result.Kind;
        }

        var ptr = CopyIn(result.Payload);
        WriteInt32(outPtrPtr, ptr);
        WriteInt32(outLenPtr, result.Payload.Length);
        return (int)CallResultKind.Reply;
    }

    /// <summary>How long a host function may block now: the call timeout, cut to what is left of the event's time.</summary>
    private TimeSpan WaitBudget()
    {
        if (_limits.MaxEventTime is not { } max)
        {
            return _callTimeout;
        }

        var left = max - Stopwatch.GetElapsedTime(_eventStarted);
        return left < _callTimeout ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : _callTimeout;
    }

    private string ReadString(int ptr, int length) => Encoding.UTF8.GetString(Guest(ptr, length));

    /// <summary>
    /// An output alias or telemetry target: a guest uses a handful of them on every event, so the decoded strings of
    /// the first few short ones are kept and reused instead of decoding (and allocating) each time.
    /// </summary>
    private string ReadName(int ptr, int length)
    {
        var bytes = Guest(ptr, length);
        var names = _names;
        for (var i = 0; i < _nameCount; i++)
        {
            if (bytes.SequenceEqual(names[i].Utf8))
            {
                return names[i].Text;
            }
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (_nameCount < names.Length && length <= MaxCachedNameBytes)
        {
            names[_nameCount++] = (bytes.ToArray(), text);
        }

        return text;
    }

    private InstanceId ReadInstanceId(int nodePtr, int componentPtr) =>
        new(InstanceId.ReadUuid(Guest(nodePtr, InstanceId.UuidSize)), InstanceId.ReadUuid(Guest(componentPtr, InstanceId.UuidSize)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebAssembly function {Component}: call to {Target} failed: {Reason}")]
    private static partial void LogCallFailed(ILogger logger, string component, string target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebAssembly function {Component}: sync failed: {Reason}")]
    private static partial void LogSyncFailed(ILogger logger, string component, string reason);
}
