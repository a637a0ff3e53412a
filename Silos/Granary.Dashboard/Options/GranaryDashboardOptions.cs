namespace Granary.Dashboard;

/// <summary>
/// The host's HTTP endpoint for the Orleans dashboard and Granary's live pages (section <c>Granary:Dashboard</c>).
/// </summary>
public sealed class GranaryDashboardOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Granary:Dashboard";

    /// <summary>False turns the endpoint off: the host then listens on no HTTP port for the dashboards.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where the endpoint listens, such as <c>http://127.0.0.1:8080</c> (port 0 takes a free port; the host prints the
    /// address it got). Empty means off. Any address other than loopback needs <see cref="AccessToken"/>.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// A secret every request must carry (the <c>granary-token</c> cookie, set by opening any page once with
    /// <c>?token=…</c>, or an <c>Authorization: Bearer …</c> header). Required when <see cref="Url"/> is not loopback.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>How often the live pages' state is read from the grains while someone follows a page.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How far back the small health and rate charts reach.</summary>
    public TimeSpan HistoryWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many recent platform events the events page shows when it opens.</summary>
    public int RecentEvents { get; set; } = 500;

    /// <summary>True when the endpoint is to be served: enabled and with a URL.</summary>
    public bool IsServed => Enabled && !string.IsNullOrWhiteSpace(Url);
}
