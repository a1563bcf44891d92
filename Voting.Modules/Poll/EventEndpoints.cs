using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>
/// An event's public pages: the join form's target, the audience's page, and the read-only
/// presenter screen for a second display. The HTML is <see cref="EventViews"/>.
/// </summary>
internal static class EventEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/e", Join);
        routes.MapGet("/e/{code}", Audience);
        routes.MapGet("/events/{code}/present", Present);
    }

    /// <summary>The home page's form: <c>/e?code=abc123</c> lands on <c>/e/ABC123</c>.</summary>
    private static IResult Join([FromQuery] string? code, HttpContext http)
    {
        if (EventCodes.Normalize(code) is not { } normalized)
        {
            var message = string.IsNullOrWhiteSpace(code)
                ? "Type the code shown on the presenter's screen."
                : $"A code is {EventCodes.Length} letters and digits, as shown on the presenter's screen.";
            return Respond(Page("Join an event", EventViews.JoinForm(message)), StatusCodes.Status400BadRequest);
        }
        http.Response.Headers.Location = $"/e/{normalized}";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static async Task<IResult> Audience(string code, EventLookup lookup, PollCatalog catalog, Storage.PollStore store, IAntiforgery antiforgery, TimeProvider time, HttpContext http)
    {
        if (await lookup.FindAsync(code, http.RequestAborted) is not { } live)
        {
            return Respond(EventViews.NoSuchEvent(code), StatusCodes.Status404NotFound);
        }
        if (!string.Equals(code, live.Code, StringComparison.Ordinal))
        {
            // One address per event: a code typed in lower case lands on the canonical page.
            http.Response.Headers.Location = $"/e/{live.Code}";
            return Results.StatusCode(StatusCodes.Status303SeeOther);
        }
        var poll = live.LivePollId is { } pollId ? await catalog.FindOrReadAsync(pollId, store, http.RequestAborted) : null;
        // The page changes with the presenter: no cache may keep an old question.
        http.Response.Headers.CacheControl = "no-store";
        return Respond(EventViews.Audience(live, poll, antiforgery.GetAndStoreTokens(http), time.GetUtcNow()));
    }

    private static async Task<IResult> Present(string code, EventLookup lookup, IOptions<WebSettings> web, HttpContext http)
    {
        if (await lookup.FindAsync(code, http.RequestAborted) is not { } live)
        {
            return Respond(EventViews.NoSuchEvent(code), StatusCodes.Status404NotFound);
        }
        http.Response.Headers.CacheControl = "no-store";
        return Respond(EventViews.Presenter(live, ShareLink.JoinUrl(web.Value.PublicUrl, http.Request, live.Code), controls: ""));
    }
}
