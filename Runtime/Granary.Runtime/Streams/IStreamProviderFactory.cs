using Granary.Streams;

namespace Granary.Runtime.Streams;

/// <summary>Creates a named stream provider for a silo; registered in DI by the stream hosting extensions.</summary>
internal interface IStreamProviderFactory
{
    string Name { get; }

    IStreamProvider Create(SiloRuntime silo);
}
