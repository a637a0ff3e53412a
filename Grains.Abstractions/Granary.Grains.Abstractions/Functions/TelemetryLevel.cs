namespace Granary.Grains.Functions;

/// <summary>Log levels of telemetry_log (the EDGELESS ABI numbers them 1..5).</summary>
public enum TelemetryLevel
{
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}
