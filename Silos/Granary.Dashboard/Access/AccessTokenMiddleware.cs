using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Granary.Dashboard.Access;

/// <summary>
/// With <see cref="GranaryDashboardOptions.AccessToken"/> set, lets through only requests that carry it: an
/// <c>Authorization: Bearer</c> header, the <c>granary-token</c> cookie, or <c>?token=</c> (which also sets the cookie,
/// so a browser needs it once). Without a token every request passes (the endpoint is then loopback only).
/// </summary>
public sealed class AccessTokenMiddleware(RequestDelegate next, IOptions<GranaryDashboardOptions> options)
{
    /// <summary>The cookie that carries the token after the first visit.</summary>
    public const string Cookie = "granary-token";

    /// <summary>Handles one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var token = options.Value.AccessToken;
        if (string.IsNullOrEmpty(token))
        {
            return next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal) && Matches(header["Bearer ".Length..], token))
        {
            return next(context);
        }

        if (context.Request.Cookies.TryGetValue(Cookie, out var cookie) && Matches(cookie, token))
        {
            return next(context);
        }

        if (context.Request.Query.TryGetValue("token", out var query) && Matches(query.ToString(), token))
        {
            context.Response.Cookies.Append(Cookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return context.Response.WriteAsync("This Granary dashboard needs its access token (Granary:Dashboard:AccessToken): open it once with ?token=TOKEN.");
    }

    private static bool Matches(string given, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
}
