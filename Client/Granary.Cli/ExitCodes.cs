namespace Granary.Cli;

/// <summary>Exit codes of the <c>granary</c> command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The cluster could not be reached or refused or failed the request.</summary>
    public const int ClusterError = 1;

    /// <summary>The command line or an input file was wrong; nothing was sent to the cluster.</summary>
    public const int BadInput = 2;
}
