namespace Granary.Grains.Nodes;

/// <summary>File access shared by the probes: a missing or unreadable file reads as empty, so its values become zero.</summary>
internal static class ProbeFiles
{
    public static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>Total and available bytes of the file system holding <paramref name="path"/>; zeros when it cannot be read.</summary>
    public static (long Total, long Available) DiskSpace(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            return drive.IsReady ? (drive.TotalSize, drive.AvailableFreeSpace) : (0, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (0, 0);
        }
    }
}
