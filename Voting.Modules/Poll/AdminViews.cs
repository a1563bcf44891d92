using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>The HTML of the admin pages: sign-in, the poll list with its create form, one poll's page.</summary>
internal static class AdminViews
{
    private const string Title = "Poll management";

    private static readonly string[] Scripts = ["admin.js"];

    /// <summary>What was typed into the create form, and what was wrong with it.</summary>
    public sealed record CreateForm(string? Question = null, string? Options = null, IReadOnlyDictionary<string, string[]>? Errors = null)
    {
        public string? ResultsVisibility { get; init; }

        public string? Duration { get; init; }

        public QuestionFields Kind { get; init; } = new();

        public string? Error(string field) => Errors is not null && Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
    }

    public static string SignIn(AntiforgeryTokenSet tokens, bool adminConfigured, string? error)
    {
        var body = new StringBuilder("""<section class="admin narrow"><h1>Poll management</h1>""");
        if (!adminConfigured)
        {
            body.Append("""<p class="notice error" role="alert">Poll management is switched off: set <code>Voting__AdminToken</code> to turn it on.</p></section>""");
            return Page(Title, body.ToString(), bodyClass: "admin");
        }
        var describedBy = error is null ? "" : """ aria-describedby="token-error" aria-invalid="true" """;
        if (error is not null)
        {
            body.Append($"""<p class="notice error" id="token-error" role="alert">{E(error)}</p>""");
        }
        body.Append($"""
            <form method="post" action="/admin/sign-in" class="card stack" data-sign-in>
            {Hidden(tokens)}
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required{describedBy}>
            <button type="submit" class="primary">Sign in</button>
            </form>
            <p class="muted">The token is the value of <code>Voting__AdminToken</code> on the server.</p>
            </section>
            """);
        return Page(Title, body.ToString(), bodyClass: "admin");
    }

    public static string Home(AntiforgeryTokenSet tokens, PollPage page, IReadOnlyDictionary<string, long>? totals, CreateForm form, DateTimeOffset now) =>
        Page(Title, Dashboard(tokens, page, totals, form, now), Scripts, "admin");

    public static string Poll(AntiforgeryTokenSet tokens, PollDefinition poll, IReadOnlyDictionary<string, long>? totals, string voteUrl, DateTimeOffset now, SubmittedWords.List? words = null) =>
        Page(poll.Question, Detail(tokens, poll, Count(totals, poll.Id), voteUrl, now, words), Scripts, "admin");

    public static string UnknownPoll() => NoSuchPoll("/admin", "All polls");

    private static long? Count(IReadOnlyDictionary<string, long>? totals, string pollId) =>
        totals is null ? null : totals.GetValueOrDefault(pollId);

    internal static string Hidden(AntiforgeryTokenSet tokens) =>
        $"""<input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">""";

    private static string Dashboard(AntiforgeryTokenSet tokens, PollPage page, IReadOnlyDictionary<string, long>? totals, CreateForm form, DateTimeOffset now)
    {
        var polls = page.Polls;
        var body = new StringBuilder();
        body.Append($"""
            <div class="admin-head"><h1>Poll management</h1><p class="links small"><a href="/admin/events" data-events-link>Events</a></p>
            <div class="sign-out"><form method="post" action="/admin/sign-out">{Hidden(tokens)}<button type="submit" class="link">Sign out</button></form>
            <form method="post" action="/admin/sign-out-everywhere" data-confirm="Sign out every organiser, on every device?">{Hidden(tokens)}<button type="submit" class="link" data-sign-out-everywhere>Sign out everywhere</button></form></div></div>
            <section class="card" aria-labelledby="new-poll"><h2 id="new-poll">New poll</h2>
            <form method="post" action="/admin/polls" class="stack" data-create-poll>
            {Hidden(tokens)}
            {PollFields(form)}
            <button type="submit" class="primary">Create poll</button>
            </form></section>
            <section aria-labelledby="all-polls"><h2 id="all-polls">Polls</h2>
            """);
        if (totals is null)
        {
            body.Append("""<p class="notice" role="status">Vote counts are unavailable right now (the database does not answer).</p>""");
        }
        if (polls.Count == 0)
        {
            body.Append("""<p class="muted">No polls yet: create the first one above.</p>""");
        }
        else
        {
            body.Append("""<ul class="polls admin-polls">""");
            foreach (var poll in polls)
            {
                body.Append($"""
                    <li data-poll-id="{E(poll.Id)}"><a class="poll-link" href="/admin/polls/{E(poll.Id)}">{E(poll.Question)}</a>
                    <p class="meta">{Votes(Count(totals, poll.Id))} {State(poll, now)}</p>
                    <p class="links small"><a href="/polls/{E(poll.Id)}">Vote page</a> <a href="/results/{E(poll.Id)}">Results</a> <a href="/results/{E(poll.Id)}/present">Presenter view</a></p></li>
                    """);
            }
            body.Append("</ul>");
        }
        if (page.NextAfter is { } next)
        {
            body.Append($"""<p class="more"><a rel="next" href="/admin?after={Uri.EscapeDataString(next)}">Older polls</a></p>""");
        }
        body.Append("</section>");
        return body.ToString();
    }

    /// <summary>The new-poll form's fields, every type's; an event's page adds its polls with them too.</summary>
    internal static string PollFields(CreateForm form) => $"""
        {Field(form.Error("question"), "question", """<label for="question">Question</label>""",
            $"""<input id="question" name="question" maxlength="{NewPoll.MaxQuestionLength}" required value="{E(form.Question)}"{Invalid(form.Error("question"), "question")}>""")}
        {AdminTypeViews.TypeChoice(form.Kind, form.Error("type"))}
        {Field(form.Error("options"), "options", $"""<label for="options">Options <span class="hint">one per line, {NewPoll.MinOptions} to {NewPoll.MaxOptions}; single and multiple choice only</span></label>""",
            $"""<textarea id="options" name="options" rows="4" placeholder="Yes&#10;No"{Invalid(form.Error("options"), "options")}>{E(form.Options)}</textarea>""")}
        {AdminTypeViews.TypeFields(form.Kind, form.Error)}
        {VisibilityChoice(form)}
        {Field(form.Error("durationSeconds"), "duration", """<label for="duration">Closes by itself after <span class="hint">seconds, {PollTimer.MinSeconds} to {PollTimer.MaxSeconds}; empty for no timer</span></label>""",
            $"""<input id="duration" name="durationSeconds" type="number" inputmode="numeric" min="{PollTimer.MinSeconds}" max="{PollTimer.MaxSeconds}" step="1" value="{E(form.Duration)}"{Invalid(form.Error("durationSeconds"), "duration")}>""")}
        """;

    private static string Detail(AntiforgeryTokenSet tokens, PollDefinition poll, long? votes, string voteUrl, DateTimeOffset now, SubmittedWords.List? words)
    {
        var id = E(poll.Id);
        var body = new StringBuilder();
        body.Append($"""
            <p class="back"><a href="/admin">← All polls</a></p>
            <section class="admin-poll" data-poll-id="{id}">
            <h1 class="question">{E(poll.Question)}</h1>
            <p class="meta">{Votes(votes)} {State(poll, now)}</p>
            <ul class="option-list">
            """);
        foreach (var option in poll.Options)
        {
            body.Append($"""<li data-option-id="{E(option.Id)}">{E(option.Label)}</li>""");
        }
        body.Append($"""
            </ul>
            <section class="card share" aria-labelledby="share"><h2 id="share">Share</h2>
            <label for="share-link">Vote link</label>
            <div class="copy-row"><input id="share-link" readonly value="{E(voteUrl)}" data-share-link>
            <button type="button" class="primary" data-copy="share-link" hidden>Copy</button></div>
            <p class="copy-status" data-copy-status role="status" aria-live="polite"></p>
            <img class="qr" data-qr src="{ShareLink.QrDataUri(voteUrl)}" alt="QR code of {E(voteUrl)}" width="240" height="240">
            <p class="links"><a href="/polls/{id}">Vote page</a> <a href="/results/{id}">Results</a> <a href="/results/{id}/present">Presenter view</a></p>
            </section>
            """);
        body.Append(Controls(tokens, poll, now));
        if (words is not null)
        {
            body.Append(AdminTypeViews.Words(tokens, poll, words));
        }
        if (poll.IsClosedAt(now))
        {
            body.Append("""<p class="notice closed" data-poll-closed>This poll is closed: it takes no more votes.</p>""");
        }
        else
        {
            body.Append($"""
                <form method="post" action="/admin/polls/{id}/close" class="close-poll" data-confirm="Close this poll? It will take no more votes.">
                {Hidden(tokens)}
                <button type="submit" class="danger" data-close-poll>Close this poll</button>
                </form>
                """);
        }
        body.Append("</section>");
        return body.ToString();
    }

    private static readonly (string Value, string Text)[] Modes =
    [
        ("always", "Always: the audience sees the counts as votes come in"),
        ("revealed", "When I reveal them"),
        ("closed", "When the poll closes"),
    ];

    private static string VisibilityChoice(CreateForm form)
    {
        var chosen = form.ResultsVisibility is { Length: > 0 } value ? value : "always";
        var error = form.Error("resultsVisibility");
        var choices = new StringBuilder($"""<fieldset class="choices"{Invalid(error, "visibility")}><legend>Show the results</legend>""");
        foreach (var (mode, text) in Modes)
        {
            var check = mode == chosen ? " checked" : "";
            choices.Append($"""<label><input type="radio" name="resultsVisibility" value="{mode}"{check}> {E(text)}</label>""");
        }
        if (error is not null)
        {
            choices.Append($"""<p class="field-error" id="visibility-error">{E(error)}</p>""");
        }
        return choices.Append("</fieldset>").ToString();
    }

    /// <summary>
    /// The presenter's controls: when the results show (reveal, hide), the timer (start, cancel), the
    /// CSV download. Plain forms, so they work without JavaScript.
    /// </summary>
    private static string Controls(AntiforgeryTokenSet tokens, PollDefinition poll, DateTimeOffset now)
    {
        var id = E(poll.Id);
        var visible = poll.ResultsVisibleAt(now);
        var closed = poll.IsClosedAt(now);
        var mode = poll.ResultsVisibility switch
        {
            ResultsVisibility.Revealed => "when you reveal them",
            ResultsVisibility.Closed => "when the poll closes",
            _ => "always",
        };
        var body = new StringBuilder($"""
            <section class="card controls" aria-labelledby="presenting"><h2 id="presenting">Presenting</h2>
            <ul class="state-list">
            <li>Results shown: <strong data-results-mode="{Visibility.Name(poll.ResultsVisibility)}">{mode}</strong>{(poll.ResultsRevealed is { } r ? $" (you {(r ? "revealed" : "hid")} them)" : "")}</li>
            <li>The audience sees the counts: <strong data-results-visible="{(visible ? "true" : "false")}">{(visible ? "yes" : "no, hidden")}</strong></li>
            <li>{Closing(poll, closed)}</li>
            </ul>
            """);
        body.Append(visible
            ? $"""<form method="post" action="/admin/polls/{id}/hide">{Hidden(tokens)}<button type="submit" class="plain" data-hide>Hide results</button></form>"""
            : $"""<form method="post" action="/admin/polls/{id}/reveal">{Hidden(tokens)}<button type="submit" class="primary" data-reveal>Reveal results</button></form>""");
        if (!closed)
        {
            body.Append($"""
                <form method="post" action="/admin/polls/{id}/timer" data-timer>{Hidden(tokens)}<span>Close in</span>
                <button type="submit" class="plain" name="seconds" value="30">30 s</button>
                <button type="submit" class="plain" name="seconds" value="60">1 min</button>
                <button type="submit" class="plain" name="seconds" value="120">2 min</button>
                </form>
                <form method="post" action="/admin/polls/{id}/timer" data-timer-custom>{Hidden(tokens)}
                <span class="inline-field"><label for="timer-seconds">Custom</label>
                <input id="timer-seconds" name="seconds" type="number" inputmode="numeric" min="{PollTimer.MinSeconds}" max="{PollTimer.MaxSeconds}" step="1" required></span>
                <button type="submit" class="plain">Start timer</button>
                </form>
                """);
            if (poll.ClosesAt is not null)
            {
                body.Append($"""<form method="post" action="/admin/polls/{id}/timer">{Hidden(tokens)}<input type="hidden" name="seconds" value="0"><button type="submit" class="plain" data-cancel-timer>Cancel the timer</button></form>""");
            }
        }
        body.Append($"""<p><a class="button" href="/api/polls/{id}/results.csv" download data-download-csv>Download CSV</a></p></section>""");
        return body.ToString();
    }

    private static string Closing(PollDefinition poll, bool closed) => (poll.ClosesAt, closed) switch
    {
        ({ } at, false) => $"""Closes by itself at <strong data-closes-at="{TimeText.Millis(at)}">{TimeText.Utc(at)}</strong>""",
        (_, true) => """Closed: <strong data-closes-at="">no more votes</strong>""",
        _ => """No timer: <strong data-closes-at="">open until you close it</strong>""",
    };

    internal static string Field(string? error, string name, string label, string input) => error is null
        ? $"<div class=\"field\">{label}{input}</div>"
        : $"""<div class="field invalid">{label}{input}<p class="field-error" id="{name}-error">{E(error)}</p></div>""";

    internal static string Invalid(string? error, string name) =>
        error is null ? "" : $""" aria-invalid="true" aria-describedby="{name}-error" """;

    private static string Votes(long? votes) => votes switch
    {
        null => """<span class="votes" data-poll-votes="">— votes</span>""",
        1 => """<span class="votes" data-poll-votes="1">1 vote</span>""",
        _ => $"""<span class="votes" data-poll-votes="{votes}">{votes} votes</span>""",
    };

    private static string State(PollDefinition poll, DateTimeOffset now) => poll.IsClosedAt(now)
        ? """<span class="badge closed" data-poll-state="closed">Closed</span>"""
        : """<span class="badge open" data-poll-state="open">Open</span>""";
}
