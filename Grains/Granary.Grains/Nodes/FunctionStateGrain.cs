using Granary.Persistence;

namespace Granary.Grains.Nodes;

/// <summary>Stores a logical function's synced state; read when a new instance of it starts anywhere.</summary>
[GrainType("granary.function-state")]
internal sealed class FunctionStateGrain([PersistentState("function-state")] IPersistentState<FunctionStateRecord> state) : Grain, IFunctionStateGrain
{
    public async Task Save(byte[] data)
    {
        state.State = new FunctionStateRecord { Data = data };
        await state.WriteStateAsync();
    }

    public Task<byte[]?> Load() => Task.FromResult(state.RecordExists ? state.State.Data : null);
}

/// <summary>The stored form of a function's state.</summary>
public sealed class FunctionStateRecord
{
    public byte[]? Data { get; set; }
}
