using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>
/// The pages an audience sees: the open polls, and a vote page that works as a plain form POST and,
/// with JavaScript, through the JSON API without a reload. The HTML is <see cref="VoteViews"/>.
/// </summary>
internal static class VoteEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", Home);
        routes.MapGet("/polls/{pollId}", Show);
        routes.MapPost("/polls/{pollId}", Submit).WithMetadata(new VoteRateLimitedAttribute());
    }

    /// <summary>Open polls on one page of the home page: it stays small however many polls there are.</summary>
    public const int HomePageSize = 20;

    private static IResult Home([FromQuery] string? after, PollCatalog catalog)
    {
        var page = catalog.Page(after, HomePageSize, openOnly: true) ?? catalog.Page(null, HomePageSize, openOnly: true)!;
        return Respond(VoteViews.Home(page));
    }

    private static IResult Show(string pollId, [AsParameters] VotePageRequest request) =>
        request.Catalog.Find(pollId) is { } poll ? Respond(VoteViews.Vote(poll, request.Tokens(), request.Now)) : NotFound();

    /// <summary>
    /// The form post of every type: <c>optionId</c> (single, rating), <c>optionIds</c> (multiple) or
    /// <c>words</c> (words; empty inputs are left out). A ballot that does not fit is the form again
    /// with a 422 saying why, and nothing is stored.
    /// </summary>
    private static async Task<IResult> Submit(string pollId, IFormCollection form, [AsParameters] VotePageRequest request, VoteService votes)
    {
        var poll = request.Catalog.Find(pollId);
        if (poll is null)
        {
            return NotFound();
        }
        // A form drawn on an event's page names the event: every answer keeps the way back to it.
        var eventCode = EventCodes.Normalize(form[VoteViews.EventField].Count == 1 ? form[VoteViews.EventField][0] : null);
        var (ballot, problem) = FormBallot.Read(poll, form);
        if (ballot is null)
        {
            return Respond(VoteViews.VoteAgain(poll, request.Tokens(), request.Now, problem, FormBallot.Typed(form), eventCode), 422);
        }
        var http = request.Http;
        var outcome = await votes.CastAsync(poll.Id, ballot, VoterCookie.GetOrIssue(http), http.RequestAborted);
        switch (outcome)
        {
            case VoteOutcome.Accepted:
                return Respond(VoteViews.Voted(poll, ballot, eventCode));
            case VoteOutcome.UnknownOption:
                return Respond(VoteViews.VoteAgain(poll, request.Tokens(), request.Now, FormBallot.Hint(poll), FormBallot.Typed(form), eventCode), 422);
            case VoteOutcome.Closed:
                return Respond(VoteViews.VoteAgain(poll, request.Tokens(), request.Now, null, eventCode: eventCode), 409);
            case VoteOutcome.NotConfirmed:
                http.Response.Headers.RetryAfter = "2";
                return Respond(VoteViews.VoteAgain(poll, request.Tokens(), request.Now, "We could not confirm your vote just now. Please try again in a moment.", FormBallot.Typed(form), eventCode), 503);
            default:
                return NotFound();
        }
    }

    private static IResult NotFound() =>
        Respond(NoSuchPoll(), 404);

    /// <summary>What a vote page needs: the request, its form tokens, the polls, the time (a poll's timer may have run out).</summary>
    private readonly record struct VotePageRequest(HttpContext Http, PollCatalog Catalog, IAntiforgery Antiforgery, TimeProvider Time)
    {
        public AntiforgeryTokenSet Tokens() => Antiforgery.GetAndStoreTokens(Http);

        public DateTimeOffset Now => Time.GetUtcNow();
    }
}
