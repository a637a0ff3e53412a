namespace Granary.Benchmarks;

/// <summary>
/// One benchmark suite, selected by <see cref="Name"/> on the command line. Implementations are discovered by
/// reflection, so adding a suite means adding one class.
/// </summary>
public interface IBenchmarkSuite
{
    /// <summary>The suite name given as the first command-line argument (runtime, redis, wasm, ...).</summary>
    string Name { get; }

    /// <summary>Runs the suite and reports each metric through <paramref name="report"/>.</summary>
    Task RunAsync(string[] args, BenchReport report, CancellationToken cancellationToken);
}
