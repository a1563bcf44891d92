using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>
/// The HTML of an event's pages: the join form, the audience's page (the live poll's vote form, or
/// the waiting notice), and the presenter's screen around the live poll's results. Their script
/// (event.js) follows the presenter over the result role's hub; without it, a refresh link does.
/// </summary>
internal static class EventViews
{
    public const string WaitingText = "Waiting for the next question";

    private static readonly string[] AudienceScripts = ["signalr.min.js", "vote.js", "event.js"];
    private static readonly string[] PresenterScripts = ["signalr.min.js", "event.js"];

    /// <summary>"Join with a code": a plain GET form, so it works without JavaScript.</summary>
    public static string JoinForm(string? error) => $"""
        <section class="join-event card" aria-labelledby="join-title">
        <h2 id="join-title">Join with a code</h2>
        <form method="get" action="/e" class="join-form" data-join>
        <label for="join-code" class="sr-only">Event code</label>
        <input id="join-code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" placeholder="ABC123" required{(error is null ? "" : """ aria-invalid="true" aria-describedby="join-error" """)}>
        <button type="submit" class="primary">Join</button>
        </form>
        {(error is null ? "" : $"""<p class="notice error" id="join-error" role="alert">{E(error)}</p>""")}
        </section>
        """;

    public static string NoSuchEvent(string? code) =>
        Page("No such event", $"""
            <h1>No such event</h1>
            <p>No event is running with the code <strong>{E(code)}</strong>: check the code on the screen, or ask the presenter.</p>
            {JoinForm(error: null)}
            """);

    /// <summary>The audience's page: the live poll's vote form, or the waiting notice.</summary>
    public static string Audience(EventView live, PollDefinition? poll, AntiforgeryTokenSet tokens, DateTimeOffset now)
    {
        var body = new StringBuilder();
        body.Append($"""
            <section class="event audience" {Data(live)}>
            <p class="event-bar"><span class="event-title">{E(live.Title)}</span> <span class="event-code">Code <strong>{E(live.Code)}</strong></span>
            <span class="connection" data-connection hidden></span></p>
            <div class="event-stage" data-stage>
            """);
        body.Append(poll is null ? Waiting() : VoteViews.Section(poll, tokens, now, live.Code));
        body.Append($"""
            </div>
            <p class="event-refresh" data-refresh><a href="/e/{E(live.Code)}">Refresh</a> when the presenter moves on to the next question.</p>
            </section>
            """);
        return Page(live.Title, body.ToString(), AudienceScripts, "event-page");
    }

    /// <summary>
    /// The presenter's screen: the live question's results (drawn by the result role's presenter
    /// view, fetched by the script), and the code, join address and QR code always in view.
    /// <paramref name="controls"/> is the signed-in organiser's bar, or empty for the read-only screen.
    /// </summary>
    public static string Presenter(EventView live, string joinUrl, string controls, IReadOnlyList<string>? scripts = null)
    {
        var stage = live.LivePollId is { } pollId
            ? $"""<p class="event-fallback"><a href="/results/{E(pollId)}/present">Show the live question's results</a> (this screen follows the presenter with JavaScript on).</p>"""
            : Waiting();
        var body = $"""
            <section class="event presenter-event" data-present {Data(live)}>
            <div class="event-stage" data-stage>{stage}</div>
            <aside class="join event-join" aria-label="How to join">
            <p class="join-title">Join at</p>
            <p class="join-url" data-join-url>{E(joinUrl)}</p>
            <p class="join-code">Code <strong data-code>{E(live.Code)}</strong></p>
            <img class="qr" data-qr src="{ShareLink.QrDataUri(joinUrl)}" alt="QR code of {E(joinUrl)}" width="240" height="240">
            <span class="connection" data-connection hidden></span>
            </aside>
            {controls}
            </section>
            """;
        return Page(live.Title, body, scripts ?? PresenterScripts, "present event-present");
    }

    private static string Waiting() => $"""<p class="notice waiting-next" data-waiting-next role="status">{WaitingText}</p>""";

    private static string Data(EventView live) =>
        $"""data-event-code="{E(live.Code)}" data-event-id="{E(live.Id)}" data-hub="/hubs/results" data-live-poll-id="{E(live.LivePollId)}" data-title="{E(live.Title)}" """;
}
