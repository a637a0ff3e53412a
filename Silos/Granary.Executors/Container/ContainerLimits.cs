using System.Globalization;

namespace Granary.Executors.Container;

/// <summary>The CPU and memory limits of one function's container: the node's defaults overridden by its annotations.</summary>
internal sealed record ContainerLimits(long? NanoCpus, long? MemoryBytes)
{
    private const long MinMemoryMb = 6;

    private const long MaxMemoryMb = 1L << 30;

    public static ContainerLimits Resolve(ContainerExecutorOptions options, IReadOnlyDictionary<string, string> annotations, string function)
    {
        var cpus = options.DefaultCpus;
        var memoryMb = options.DefaultMemoryMb;
        if (annotations.TryGetValue(ContainerAnnotations.Cpus, out var cpuText))
        {
            if (!double.TryParse(cpuText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > 1024)
            {
                throw new ArgumentException($"Function {function}: annotation '{ContainerAnnotations.Cpus}' must be a positive number of CPUs such as 0.5 or 2; found '{cpuText}'.");
            }

            cpus = value;
        }

        if (annotations.TryGetValue(ContainerAnnotations.MemoryMb, out var memoryText))
        {
            if (!long.TryParse(memoryText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < MinMemoryMb || value > MaxMemoryMb)
            {
                throw new ArgumentException($"Function {function}: annotation '{ContainerAnnotations.MemoryMb}' must be an integer number of MiB from {MinMemoryMb} (the Docker Engine's minimum) to {MaxMemoryMb}; found '{memoryText}'.");
            }

            memoryMb = value;
        }

        return new ContainerLimits(cpus is { } c ? (long)Math.Round(c * 1e9) : null, memoryMb * 1024 * 1024);
    }
}
