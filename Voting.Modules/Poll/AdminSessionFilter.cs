using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Voting.Web;

namespace Voting.Poll;

/// <summary>What a request to an <c>/admin</c> route gets when it comes without a session.</summary>
internal enum SignedOut
{
    /// <summary>The default: the sign-in form with 401 ("Sign in to manage polls."), e.g. a form posted after the session ended.</summary>
    SignInRequired,

    /// <summary>The sign-in form with 200: the admin home is where organisers sign in.</summary>
    SignInPage,

    /// <summary>303 to <c>/admin</c>, where the sign-in form is.</summary>
    BackToAdmin,

    /// <summary>The handler runs: signing in and signing out need no session.</summary>
    Allowed,
}

/// <summary>Endpoint metadata: how an admin route answers a request without a session.</summary>
internal sealed record AdminAccess(SignedOut WhenSignedOut);

/// <summary>
/// The session check of the <c>/admin</c> group, once for every route: a route added to the group is
/// signed-in only unless it says otherwise with <see cref="WhenSignedOut"/>. It runs after the form
/// is bound, so a post without its antiforgery token is still a 400 first.
/// </summary>
internal static class AdminSessionFilter
{
    public static RouteHandlerBuilder WhenSignedOut(this RouteHandlerBuilder builder, SignedOut answer) =>
        builder.WithMetadata(new AdminAccess(answer));

    /// <summary>
    /// For API routes the admin page links to (a download): the admin Bearer token, or without an
    /// Authorization header, a signed-in admin session. A GET that only reads needs no antiforgery token.
    /// </summary>
    public static async ValueTask<object?> RequireBearerOrSession(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.Headers.Authorization.Count == 0 && await http.RequestServices.GetRequiredService<AdminSession>().IsSignedInAsync(http))
        {
            return await next(context);
        }
        return await AdminToken.RequireBearer(context, next);
    }

    public static async ValueTask<object?> RequireSession(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var answer = http.GetEndpoint()?.Metadata.GetMetadata<AdminAccess>()?.WhenSignedOut ?? SignedOut.SignInRequired;
        if (answer == SignedOut.Allowed || await http.RequestServices.GetRequiredService<AdminSession>().IsSignedInAsync(http))
        {
            return await next(context);
        }
        var adminToken = http.RequestServices.GetRequiredService<AdminToken>();
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        return answer switch
        {
            SignedOut.SignInPage => AdminEndpoints.SignInPage(http, adminToken, antiforgery, error: null, StatusCodes.Status200OK),
            SignedOut.BackToAdmin => AdminEndpoints.SeeOther(http, "/admin"),
            _ => AdminEndpoints.SignInPage(http, adminToken, antiforgery, "Sign in to manage polls.", StatusCodes.Status401Unauthorized),
        };
    }
}
