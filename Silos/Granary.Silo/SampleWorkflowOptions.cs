namespace Granary.Silo;

/// <summary>The sample workflow the all-in-one host deploys (section Granary:Sample).</summary>
public sealed class SampleWorkflowOptions
{
    /// <summary>Deploy the sample at start.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the sample's file-log resource writes (relative to the working directory).</summary>
    public string LogFile { get; set; } = "granary-data/my-local-file.log";

    /// <summary>Milliseconds between two messages of the generator.</summary>
    public int PeriodMs { get; set; } = 1000;
}
