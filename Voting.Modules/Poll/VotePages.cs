using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>
/// The pages an audience sees: the open polls, and a vote page that works as a plain form POST and,
/// with JavaScript, through the JSON API without a reload.
/// </summary>
internal static class VotePages
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
        var open = page.Polls;
        var body = new StringBuilder("<h1>Open polls</h1>");
        if (open.Count == 0)
        {
            body.Append("<p class=\"muted\">There are no open polls right now.</p>");
        }
        else
        {
            body.Append("<ul class=\"polls\">");
            foreach (var poll in open)
            {
                body.Append($"""
                    <li data-poll-id="{E(poll.Id)}"><a class="poll-link" href="/polls/{E(poll.Id)}">{E(poll.Question)}</a>
                    <p class="links"><a class="secondary" href="/polls/{E(poll.Id)}">Vote</a> <a class="secondary" href="/results/{E(poll.Id)}">Results</a></p></li>
                    """);
            }
            body.Append("</ul>");
        }
        if (page.NextAfter is { } next)
        {
            body.Append($"""<p class="more"><a rel="next" href="/?after={Uri.EscapeDataString(next)}">More polls</a></p>""");
        }
        body.Append("""<p class="muted organise"><a href="/admin">Poll management</a></p>""");
        return Respond(Page("Open polls", body.ToString()));
    }

    private static IResult Show(string pollId, HttpContext http, PollCatalog catalog, IAntiforgery antiforgery)
    {
        var poll = catalog.Find(pollId);
        if (poll is null)
        {
            return NotFound();
        }
        return Respond(Page(poll.Question, VoteForm(poll, antiforgery.GetAndStoreTokens(http), message: null), "vote.js"));
    }

    private static async Task<IResult> Submit(string pollId, [FromForm(Name = "optionId")] string? optionId, HttpContext http,
        PollCatalog catalog, VoteService votes, IAntiforgery antiforgery)
    {
        var poll = catalog.Find(pollId);
        if (poll is null)
        {
            return NotFound();
        }
        if (string.IsNullOrEmpty(optionId) || !Ids.IsValid(optionId) || poll.FindOption(optionId) is not { } option)
        {
            return Respond(Page(poll.Question, VoteForm(poll, antiforgery.GetAndStoreTokens(http), "Choose one of the options.")), 422);
        }
        var outcome = await votes.CastAsync(poll.Id, option.Id, VoterCookie.GetOrIssue(http), http.RequestAborted);
        return outcome switch
        {
            VoteOutcome.Accepted => Respond(Page("Your vote is in", Confirmation(poll, option))),
            VoteOutcome.Closed => Respond(Page(poll.Question, VoteForm(poll, antiforgery.GetAndStoreTokens(http), null)), 409),
            VoteOutcome.NotConfirmed => Unavailable(http, poll, antiforgery),
            _ => NotFound(),
        };
    }

    private static IResult Unavailable(HttpContext http, PollDefinition poll, IAntiforgery antiforgery)
    {
        http.Response.Headers.RetryAfter = "2";
        return Respond(Page(poll.Question, VoteForm(poll, antiforgery.GetAndStoreTokens(http),
            "We could not confirm your vote just now. Please try again in a moment.")), 503);
    }

    private static string VoteForm(PollDefinition poll, AntiforgeryTokenSet tokens, string? message)
    {
        var body = new StringBuilder();
        body.Append($"""<section class="vote" data-poll-id="{E(poll.Id)}"><h1 class="question">{E(poll.Question)}</h1>""");
        if (poll.Closed)
        {
            body.Append($"""
                <p class="notice closed" role="status">This poll is closed.</p>
                <p><a class="button" href="/results/{E(poll.Id)}">See the results</a></p></section>
                """);
            return body.ToString();
        }
        if (message is not null)
        {
            body.Append($"""<p class="notice error" role="alert">{E(message)}</p>""");
        }
        body.Append($"""
            <form method="post" action="/polls/{E(poll.Id)}" class="options" data-api="/api/polls/{E(poll.Id)}/votes">
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            <fieldset><legend class="sr-only">{E(poll.Question)}</legend>
            """);
        foreach (var option in poll.Options)
        {
            body.Append($"""
                <button type="submit" name="optionId" value="{E(option.Id)}" data-option-id="{E(option.Id)}" class="option">{E(option.Label)}</button>
                """);
        }
        body.Append($"""
            </fieldset></form>
            <p class="status" role="status" aria-live="polite" data-vote-status></p>
            <p class="links"><a class="secondary" href="/results/{E(poll.Id)}" data-results-link>See the results</a></p></section>
            """);
        return body.ToString();
    }

    private static string Confirmation(PollDefinition poll, PollOption option) => $"""
        <section class="vote done" data-poll-id="{E(poll.Id)}">
        <h1>Your vote is in</h1>
        <p class="question">{E(poll.Question)}</p>
        <p class="choice">You voted <strong data-voted-option-id="{E(option.Id)}">{E(option.Label)}</strong>. You can change it any time.</p>
        <p class="links"><a class="button" href="/results/{E(poll.Id)}">See the results</a> <a class="secondary" href="/polls/{E(poll.Id)}">Change my vote</a></p>
        </section>
        """;

    private static IResult NotFound() =>
        Respond(NoSuchPoll(), 404);
}
