using Granary.Hosting;
using Granary.Grains.Platform;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.LogicalFunctions;

/// <summary>
/// One logical function: the domain's latest record of it (in memory; the domain sends it again after every change)
/// and, for <c>state_policy=global</c>, its state in grain storage, which outlives the instances and the silos that ran
/// them. When its workflow stops, the function is retired: stored state is replaced by a small tombstone, so that a
/// sync still in flight from an instance being stopped (or one on a node the domain could not reach) cannot write
/// the state back and leave it in storage for good.
/// </summary>
[GrainType("granary.logical-function")]
[SiloRolePlacement(SiloRoles.Orchestrator)]
internal sealed partial class LogicalFunctionGrain(
    [PersistentState("function-state")] IPersistentState<LogicalFunctionState> state,
    TimeProvider time,
    ILogger<LogicalFunctionGrain> logger) : Grain, ILogicalFunctionGrain
{
    private LogicalFunctionRecord? _record;

    /// <summary>Retired in this activation (a function that never stored state leaves no tombstone).</summary>
    private bool _retired;

    private bool Retired => _retired || (state.RecordExists && state.State.Retired);

    public Task Update(LogicalFunctionRecord record)
    {
        // One-way updates may overtake each other only across domain turns; the newer record wins.
        if (_record is null || record.UpdatedAt >= _record.UpdatedAt)
        {
            _record = record;
        }

        return Task.CompletedTask;
    }

    public async Task Retire()
    {
        _record = null;
        _retired = true;
        if (state.RecordExists && !state.State.Retired)
        {
            state.State = new LogicalFunctionState { Retired = true, SavedAt = time.GetUtcNow() };
            await state.WriteStateAsync();
        }

        // Not deactivated at once: for its idle period the activation still turns away late syncs of a function that
        // never stored state (and so has no tombstone).
    }

    public async Task SaveState(byte[] data)
    {
        if (Retired)
        {
            LogLateSync(logger, this.GetPrimaryKeyString(), data.Length);
            return;
        }

        state.State = new LogicalFunctionState { Data = data, SavedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
    }

    public Task<byte[]?> LoadState() => Task.FromResult(state.RecordExists && !state.State.Retired ? state.State.Data : null);

    public Task<LogicalFunctionDetails?> Inspect() => Task.FromResult(_record is null
        ? null
        : new LogicalFunctionDetails
        {
            Record = _record,
            StateBytes = state.RecordExists ? state.State.Data?.Length : null,
            StateSavedAt = state.RecordExists ? state.State.SavedAt : null,
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Logical function {Function} is retired: a late sync of {Bytes} bytes is dropped")]
    private static partial void LogLateSync(ILogger logger, string function, int bytes);
}

/// <summary>The stored form of a logical function's global state.</summary>
[GenerateSerializer]
public sealed class LogicalFunctionState
{
    [Id(0)]
    public byte[]? Data { get; set; }

    [Id(1)]
    public DateTimeOffset SavedAt { get; set; }

    /// <summary>The function's workflow stopped: the state is gone and no sync may store it again.</summary>
    [Id(2)]
    public bool Retired { get; set; }
}
