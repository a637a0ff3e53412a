namespace Granary.Grains.Nodes;

/// <summary>The global state of one logical function, kept in grain storage (annotation state_policy=global).</summary>
public interface IFunctionStateGrain : IGrainWithStringKey
{
    Task Save(byte[] state);

    Task<byte[]?> Load();
}
