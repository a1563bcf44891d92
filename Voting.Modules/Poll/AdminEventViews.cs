using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>
/// The organiser's event pages: the list with its create form, one event's questions (add, order,
/// put live, close, CSV), and the controls under the presenter's screen. Plain forms, so all of it
/// works without JavaScript; with it, the presenter's keys (event-admin.js) do the same.
/// </summary>
internal static class AdminEventViews
{
    private const string Title = "Events";
    private static readonly string[] Scripts = ["admin.js"];
    private static readonly string[] PresenterScripts = ["signalr.min.js", "event.js", "event-admin.js"];

    public static string List(AntiforgeryTokenSet tokens, IReadOnlyList<EventDefinition> events, string? title, string? error)
    {
        var body = new StringBuilder($"""
            <p class="back"><a href="/admin">← Poll management</a></p>
            <h1>Events</h1>
            <p class="muted">An event is a run of questions under one join code: the audience joins once and each phone follows the question you put live.</p>
            <section class="card" aria-labelledby="new-event"><h2 id="new-event">New event</h2>
            <form method="post" action="/admin/events" class="stack" data-create-event>
            {AdminViews.Hidden(tokens)}
            <label for="event-title">Title</label>
            <input id="event-title" name="title" maxlength="{EventManagement.MaxTitleLength}" required value="{E(title)}"{(error is null ? "" : """ aria-invalid="true" aria-describedby="title-error" """)}>
            {(error is null ? "" : $"""<p class="field-error" id="title-error">{E(error)}</p>""")}
            <button type="submit" class="primary">Create event</button>
            </form></section>
            <section aria-labelledby="all-events"><h2 id="all-events">All events</h2>
            """);
        if (events.Count == 0)
        {
            body.Append("""<p class="muted">No events yet.</p>""");
        }
        else
        {
            body.Append("""<ul class="polls admin-polls">""");
            foreach (var e in events)
            {
                body.Append($"""
                    <li data-event-id="{E(e.Id)}"><a class="poll-link" href="/admin/events/{E(e.Id)}/polls">{E(e.Title)}</a>
                    <p class="meta">Code <strong>{E(e.Code)}</strong> {(e.Closed ? "· ended" : "· open")}</p></li>
                    """);
            }
            body.Append("</ul>");
        }
        body.Append("</section>");
        return Page(Title, body.ToString(), Scripts, "admin");
    }

    /// <summary>One event's questions in order, each with Up, Down and Go live; the form to add one of any type.</summary>
    public static string Polls(AntiforgeryTokenSet tokens, EventDefinition e, IReadOnlyList<EventPoll> polls, string joinUrl, AdminViews.CreateForm form)
    {
        var id = E(e.Id);
        var hidden = AdminViews.Hidden(tokens);
        var body = new StringBuilder($"""
            <p class="back"><a href="/admin/events">← Events</a></p>
            <section class="admin-event" data-event-id="{id}">
            <h1>{E(e.Title)}</h1>
            <p class="meta">Code <strong data-code>{E(e.Code)}</strong> · join at <a href="{E(joinUrl)}">{E(joinUrl)}</a>{(e.Closed ? " · <strong>ended</strong>" : "")}</p>
            <p class="links"><a class="button" href="/admin/events/{id}" data-present-link>Present</a>
            <a class="secondary" href="/events/{E(e.Code)}/present">Read-only screen</a>
            <a class="secondary" href="/admin/events/{id}/results.csv" download data-csv>Download CSV</a></p>
            <h2>Questions</h2>
            """);
        if (polls.Count == 0)
        {
            body.Append("""<p class="muted">No questions yet: add the first one below.</p>""");
        }
        else
        {
            body.Append("""<ol class="event-polls">""");
            for (var i = 0; i < polls.Count; i++)
            {
                var poll = polls[i];
                var live = poll.Id == e.LivePollId;
                body.Append($"""
                    <li data-poll-id="{E(poll.Id)}"{(live ? " data-live" : "")}><a href="/admin/polls/{E(poll.Id)}">{E(poll.Question)}</a>{(live ? " <span class=\"badge\">live</span>" : "")}
                    <span class="actions">
                    {(i > 0 ? Move(hidden, e.Id, poll.Id, "up", "Up") : "")}
                    {(i < polls.Count - 1 ? Move(hidden, e.Id, poll.Id, "down", "Down") : "")}
                    {(live || e.Closed ? "" : LiveForm(hidden, e.Id, poll.Id, "polls", "Go live", "data-go-live"))}
                    </span></li>
                    """);
            }
            body.Append("</ol>");
        }
        if (!e.Closed)
        {
            body.Append($"""
                <p>{(e.LivePollId is null ? "" : LiveForm(hidden, e.Id, null, "polls", "Show the waiting screen", "data-waiting"))}
                <form method="post" action="/admin/events/{id}/close" data-confirm="End this event? Its code stops working.">{hidden}<button type="submit" class="link" data-close-event>End the event</button></form></p>
                <section class="card" aria-labelledby="new-question"><h2 id="new-question">Add a question</h2>
                <form method="post" action="/admin/events/{id}/polls" class="stack" data-add-poll>
                {hidden}
                {AdminViews.PollFields(form)}
                <button type="submit" class="primary">Add question</button>
                </form></section>
                """);
        }
        body.Append("</section>");
        return Page(e.Title, body.ToString(), Scripts, "admin");
    }

    /// <summary>The bar under the presenter's screen: previous, next, reveal or hide, the timer, full screen, each a key too.</summary>
    public static string Controls(AntiforgeryTokenSet tokens, EventDefinition e, string? previous, string? next)
    {
        var id = E(e.Id);
        var hidden = AdminViews.Hidden(tokens);
        var live = e.LivePollId is { } pollId ? E(pollId) : null;
        return $"""
            <nav class="event-controls" data-controls aria-label="Presenter controls">
            {(previous is not null || live is not null ? LiveForm(hidden, e.Id, previous, "present", "← Previous", "data-previous") : "")}
            {LiveForm(hidden, e.Id, next, "present", "Next →", "data-next", disabled: next is null)}
            {(live is null ? "" : $"""
                <form method="post" action="/admin/polls/{live}/reveal" data-action="reveal">{hidden}<button type="submit" data-reveal><kbd>R</kbd> Reveal / hide</button></form>
                <form method="post" action="/admin/polls/{live}/timer" data-action="timer">{hidden}<label>Timer <input type="number" name="seconds" min="{PollTimer.MinSeconds}" max="{PollTimer.MaxSeconds}" value="60" data-timer-seconds> s</label> <button type="submit" data-timer><kbd>T</kbd> Start</button></form>
                """)}
            <button type="button" data-fullscreen-event><kbd>F</kbd> Full screen</button>
            <a href="/admin/events/{id}/polls">Questions</a>
            <span class="hint">Keys: <kbd>→</kbd> next, <kbd>←</kbd> previous, <kbd>R</kbd> reveal or hide, <kbd>T</kbd> timer, <kbd>F</kbd> full screen</span>
            <span role="status" data-control-status></span>
            </nav>
            """;
    }

    public static IReadOnlyList<string> ScriptsOfPresenter => PresenterScripts;

    public static string UnknownEvent() =>
        Page("No such event", """<h1>No such event</h1><p><a href="/admin/events">All events</a></p>""", bodyClass: "admin");

    private static string Move(string hidden, string eventId, string pollId, string direction, string text) =>
        $"""<form method="post" action="/admin/events/{E(eventId)}/move" data-action="move">{hidden}<input type="hidden" name="pollId" value="{E(pollId)}"><input type="hidden" name="direction" value="{direction}"><button type="submit" class="link" data-move="{direction}">{text}</button></form>""";

    private static string LiveForm(string hidden, string eventId, string? pollId, string back, string text, string marker, bool disabled = false) =>
        $"""<form method="post" action="/admin/events/{E(eventId)}/live" data-action="live">{hidden}<input type="hidden" name="pollId" value="{E(pollId)}"><input type="hidden" name="return" value="{back}"><button type="submit" {marker}{(disabled ? " disabled" : "")}>{text}</button></form>""";
}
