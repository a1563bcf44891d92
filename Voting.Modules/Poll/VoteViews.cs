using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>The HTML of the audience's pages: the open polls, a poll's vote form, the confirmation.</summary>
internal static class VoteViews
{
    private static readonly string[] Scripts = ["vote.js"];

    public static string Home(PollPage page)
    {
        var open = page.Polls;
        var body = new StringBuilder(EventViews.JoinForm(error: null));
        body.Append("<h1>Open polls</h1>");
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
        return Page("Open polls", body.ToString());
    }

    /// <summary>The vote page: its script votes through the JSON API, without a reload.</summary>
    public static string Vote(PollDefinition poll, AntiforgeryTokenSet tokens, DateTimeOffset now) =>
        Page(poll.Question, VoteForm(poll, tokens, now, message: null), Scripts);

    /// <summary>The answer to a form post that did not count (no option, closed, not confirmed): the form again, saying why.</summary>
    public static string VoteAgain(PollDefinition poll, AntiforgeryTokenSet tokens, DateTimeOffset now, string? message, TypedBallot? typed = null, string? eventCode = null) =>
        Page(poll.Question, VoteForm(poll, tokens, now, message, typed, eventCode, backLink: true), Scripts);

    /// <summary>
    /// The vote form of a poll without the page around it: an event's page shows the live poll's. The
    /// form carries the event's code, so that without JavaScript the answer leads back to the event.
    /// </summary>
    public static string Section(PollDefinition poll, AntiforgeryTokenSet tokens, DateTimeOffset now, string? eventCode = null) =>
        VoteForm(poll, tokens, now, message: null, typed: null, eventCode, backLink: false);

    public static string Voted(PollDefinition poll, Ballot ballot, string? eventCode = null) => Page("Your vote is in", Confirmation(poll, ballot, eventCode));

    /// <summary>
    /// A poll with a timer carries the closing time and the server's time of drawing, so the script
    /// counts down by the server's clock whatever the device's says; without a script the closing
    /// time shows as text. A poll whose time has passed is drawn closed.
    /// </summary>
    private static string VoteForm(PollDefinition poll, AntiforgeryTokenSet tokens, DateTimeOffset now, string? message, TypedBallot? typed = null, string? eventCode = null, bool backLink = false)
    {
        var body = new StringBuilder();
        var timer = poll.ClosesAt is { } at
            ? $""" data-closes-at="{TimeText.Millis(at)}" data-server-now="{TimeText.Millis(now)}" """
            : "";
        body.Append($"""<section class="vote" data-poll-id="{E(poll.Id)}"{timer}><h1 class="question">{E(poll.Question)}</h1>""");
        if (poll.IsClosedAt(now))
        {
            body.Append($"""
                <p class="notice closed" role="status">This poll is closed.</p>
                <p><a class="button" href="/results/{E(poll.Id)}">See the results</a>{(backLink ? BackToEvent(eventCode, "secondary") : "")}</p></section>
                """);
            return body.ToString();
        }
        if (poll.ClosesAt is { } closesAt)
        {
            body.Append($"""<p class="countdown" data-countdown role="timer">Voting closes at {TimeText.Utc(closesAt)}.</p>""");
        }
        if (message is not null)
        {
            body.Append($"""<p class="notice error" role="alert">{E(message)}</p>""");
        }
        body.Append($"""
            <form method="post" action="/polls/{E(poll.Id)}" class="options {PollTypes.Name(poll.Type)}" data-api="/api/polls/{E(poll.Id)}/votes" data-type="{PollTypes.Name(poll.Type)}">
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            {(eventCode is null ? "" : $"""<input type="hidden" name="{EventField}" value="{E(eventCode)}">""")}
            """);
        body.Append(BallotViews.Fields(poll, typed));
        body.Append($"""
            </form>
            <p class="status" role="status" aria-live="polite" data-vote-status></p>
            <p class="links"><a class="secondary" href="/results/{E(poll.Id)}" data-results-link>See the results</a>{(backLink ? BackToEvent(eventCode, "secondary") : "")}</p></section>
            """);
        return body.ToString();
    }

    /// <summary>The form field of an event's vote form that names the event (its join code).</summary>
    public const string EventField = "event";

    // Inside an event the way on is back to the event's page, which shows whatever is live by then;
    // the poll's own page would leave the phone on this question.
    private static string Confirmation(PollDefinition poll, Ballot ballot, string? eventCode)
    {
        var links = eventCode is null
            ? $"""<a class="button" href="/results/{E(poll.Id)}">See the results</a> <a class="secondary" href="/polls/{E(poll.Id)}">Change my vote</a>"""
            : $"""{BackToEvent(eventCode, "button")} <a class="secondary" href="/results/{E(poll.Id)}">See the results</a>""";
        return $"""
            <section class="vote done" data-poll-id="{E(poll.Id)}">
            <h1>Your vote is in</h1>
            <p class="question">{E(poll.Question)}</p>
            {BallotViews.Chosen(poll, ballot)}
            <p class="links">{links}</p>
            </section>
            """;
    }

    private static string BackToEvent(string? eventCode, string style) =>
        eventCode is null ? "" : $""" <a class="{style}" href="/e/{E(eventCode)}" data-back-to-event>Back to the event</a>""";
}
