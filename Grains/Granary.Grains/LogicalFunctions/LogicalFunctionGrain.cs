using Granary.Grains.Platform;
using Granary.Persistence;
using Granary.Placement;

namespace Granary.Grains.LogicalFunctions;

/// <summary>
/// One logical function: the domain's latest record of it (in memory; the domain sends it again after every change)
/// and, for <c>state_policy=global</c>, its state in grain storage, which outlives the instances and the silos that ran
/// them.
/// </summary>
[GrainType("granary.logical-function")]
[SiloRolePlacement("orchestrator")]
internal sealed class LogicalFunctionGrain(
    [PersistentState("function-state")] IPersistentState<LogicalFunctionState> state,
    TimeProvider time) : Grain, ILogicalFunctionGrain
{
    private LogicalFunctionRecord? _record;

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
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        DeactivateOnIdle();
    }

    public async Task SaveState(byte[] data)
    {
        state.State = new LogicalFunctionState { Data = data, SavedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
    }

    public Task<byte[]?> LoadState() => Task.FromResult(state.RecordExists ? state.State.Data : null);

    public Task<LogicalFunctionDetails?> Inspect() => Task.FromResult(_record is null
        ? null
        : new LogicalFunctionDetails
        {
            Record = _record,
            StateBytes = state.RecordExists ? state.State.Data?.Length : null,
            StateSavedAt = state.RecordExists ? state.State.SavedAt : null,
        });
}

/// <summary>The stored form of a logical function's global state.</summary>
[GenerateSerializer]
public sealed class LogicalFunctionState
{
    [Id(0)]
    public byte[]? Data { get; set; }

    [Id(1)]
    public DateTimeOffset SavedAt { get; set; }
}
