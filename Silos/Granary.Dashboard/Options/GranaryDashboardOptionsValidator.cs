using System.Net;
using Microsoft.Extensions.Options;

namespace Granary.Dashboard;

/// <summary>
/// Checks <see cref="GranaryDashboardOptions"/> when the host starts: a URL it can listen on, and an access token whenever the
/// endpoint would be reachable from other machines. The host refuses to start otherwise, naming the option.
/// </summary>
public sealed class GranaryDashboardOptionsValidator : IValidateOptions<GranaryDashboardOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GranaryDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsServed)
        {
            return ValidateOptionsResult.Success;
        }

        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/")
        {
            return ValidateOptionsResult.Fail($"{GranaryDashboardOptions.Section}:Url '{options.Url}' is not an http://HOST:PORT address (for example http://127.0.0.1:8080).");
        }

        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"{GranaryDashboardOptions.Section}:RefreshInterval must be positive (it is {options.RefreshInterval}).");
        }

        if (!IsLoopback(url) && string.IsNullOrWhiteSpace(options.AccessToken))
        {
            return ValidateOptionsResult.Fail(
                $"{GranaryDashboardOptions.Section}:Url {options.Url} is reachable from other machines, so {GranaryDashboardOptions.Section}:AccessToken must be set " +
                "(or bind a loopback address such as http://127.0.0.1:8080).");
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>True for <c>localhost</c> and loopback IP addresses; wildcards (<c>0.0.0.0</c>, <c>*</c>, <c>+</c>) and names are not.</summary>
    public static bool IsLoopback(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
