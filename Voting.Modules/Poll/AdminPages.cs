using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Npgsql;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>
/// Poll management for organisers: sign in with the admin token, create and close polls, share a
/// poll's link and QR code. Plain forms (antiforgery-checked), so it works without JavaScript.
/// </summary>
internal static class AdminPages
{
    private const string Title = "Poll management";

    public static void Map(IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").AddEndpointFilter(AdminSessionFilter.RequireSession);
        admin.MapGet("/", Home).WhenSignedOut(SignedOut.SignInPage);
        admin.MapPost("/sign-in", SignIn).WithMetadata(new SignInRateLimitedAttribute()).WhenSignedOut(SignedOut.Allowed);
        admin.MapPost("/sign-out", SignOut).WhenSignedOut(SignedOut.Allowed);
        admin.MapPost("/sign-out-everywhere", SignOutEverywhere).WhenSignedOut(SignedOut.BackToAdmin);
        admin.MapPost("/polls", Create);
        admin.MapGet("/polls/{pollId}", Show).WhenSignedOut(SignedOut.BackToAdmin);
        admin.MapPost("/polls/{pollId}/close", Close);
    }

    /// <summary>Polls on one page of the admin list.</summary>
    public const int PageSize = 50;

    private static async Task<IResult> Home([FromQuery] string? after, HttpContext http, IAntiforgery antiforgery, PollCatalog catalog, PollStore store)
    {
        var page = catalog.Page(after, PageSize) ?? catalog.Page(null, PageSize)!;
        var totals = await TotalsAsync(store, page.Polls.Select(p => p.Id).ToArray(), http.RequestAborted);
        return Private(http, Page(Title, Dashboard(Tokens(http, antiforgery), page, totals, new CreateForm()), "admin.js", "admin"));
    }

    private static async Task<IResult> SignIn([FromForm(Name = "token")] string? candidate, HttpContext http, AdminSession session, AdminToken adminToken, IAntiforgery antiforgery)
    {
        if (!adminToken.IsConfigured)
        {
            return SignInPage(http, adminToken, antiforgery, null, StatusCodes.Status403Forbidden);
        }
        if (!adminToken.Matches(candidate))
        {
            return SignInPage(http, adminToken, antiforgery, "That token is not right.", StatusCodes.Status403Forbidden);
        }
        await session.SignInAsync(http);
        return SeeOther(http, "/admin");
    }

    /// <summary>Reading the form (even an empty one) is what makes the antiforgery check apply.</summary>
    private static IResult SignOut(IFormCollection form, HttpContext http)
    {
        AdminSession.SignOut(http);
        return SeeOther(http, "/admin");
    }

    /// <summary>
    /// Ends every admin session on every replica (a lost laptop, a shared screen). Only a signed-in
    /// organiser may, and the form carries an antiforgery token like every other.
    /// </summary>
    private static async Task<IResult> SignOutEverywhere(IFormCollection form, HttpContext http, AdminSession session)
    {
        await session.SignOutEverywhereAsync(http);
        return SeeOther(http, "/admin");
    }

    private static async Task<IResult> Create([FromForm(Name = "question")] string? question, [FromForm(Name = "options")] string? options,
        HttpContext http, IAntiforgery antiforgery, PollCatalog catalog, PollStore store, PollCreation creation)
    {
        var created = await creation.CreateAsync(null, question, SplitLines(options), http.RequestAborted);
        if (created.Poll is { } poll)
        {
            return SeeOther(http, $"/admin/polls/{Uri.EscapeDataString(poll.Id)}");
        }
        var page = catalog.Page(null, PageSize)!;
        var totals = await TotalsAsync(store, page.Polls.Select(p => p.Id).ToArray(), http.RequestAborted);
        var form = new CreateForm(question, options, created.Errors);
        return Private(http, Page(Title, Dashboard(Tokens(http, antiforgery), page, totals, form), "admin.js", "admin"), StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> Show(string pollId, HttpContext http, IAntiforgery antiforgery, PollCatalog catalog, PollStore store, IOptions<PollSettings> settings)
    {
        if (catalog.Find(pollId) is not { } poll)
        {
            return Private(http, NoSuchPoll("/admin", "All polls"), StatusCodes.Status404NotFound);
        }
        var totals = await TotalsAsync(store, [poll.Id], http.RequestAborted);
        var voteUrl = ShareLink.VoteUrl(settings.Value.PublicUrl, http.Request, poll.Id);
        return Private(http, Page(poll.Question, Detail(Tokens(http, antiforgery), poll, Count(totals, poll.Id), voteUrl), "admin.js", "admin"));
    }

    private static async Task<IResult> Close(string pollId, IFormCollection form, HttpContext http, PollClosing closing) =>
        await closing.CloseAsync(pollId, http.RequestAborted) switch
        {
            (CloseOutcome.Closed, { } poll) => SeeOther(http, $"/admin/polls/{Uri.EscapeDataString(poll.Id)}"),
            (CloseOutcome.NotConfirmed, _) => Problems.Unavailable(http, "The close was not confirmed; try again."),
            _ => Private(http, NoSuchPoll("/admin", "All polls"), StatusCodes.Status404NotFound),
        };

    /// <summary>Vote counts from the kept tallies; the page still works (without counts) while PostgreSQL is down.</summary>
    private static async Task<IReadOnlyDictionary<string, long>?> TotalsAsync(PollStore store, string[] pollIds, CancellationToken cancellationToken)
    {
        try
        {
            return await store.TotalsAsync(pollIds, cancellationToken);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    private static long? Count(IReadOnlyDictionary<string, long>? totals, string pollId) =>
        totals is null ? null : totals.GetValueOrDefault(pollId);

    internal static string[] SplitLines(string? text) =>
        (text ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    private static AntiforgeryTokenSet Tokens(HttpContext http, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(http);

    private static string Hidden(AntiforgeryTokenSet tokens) =>
        $"""<input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">""";

    internal static IResult SignInPage(HttpContext http, AdminToken adminToken, IAntiforgery antiforgery, string? error, int status)
    {
        var tokens = Tokens(http, antiforgery);
        var body = new StringBuilder("""<section class="admin narrow"><h1>Poll management</h1>""");
        if (!adminToken.IsConfigured)
        {
            body.Append("""<p class="notice error" role="alert">Poll management is switched off: set <code>Voting__AdminToken</code> to turn it on.</p></section>""");
            return Private(http, Page(Title, body.ToString(), bodyClass: "admin"), status);
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
        return Private(http, Page(Title, body.ToString(), bodyClass: "admin"), status);
    }

    private sealed record CreateForm(string? Question = null, string? Options = null, IReadOnlyDictionary<string, string[]>? Errors = null)
    {
        public string? Error(string field) => Errors is not null && Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
    }

    private static string Dashboard(AntiforgeryTokenSet tokens, PollPage page, IReadOnlyDictionary<string, long>? totals, CreateForm form)
    {
        var polls = page.Polls;
        var body = new StringBuilder();
        body.Append($"""
            <div class="admin-head"><h1>Poll management</h1>
            <div class="sign-out"><form method="post" action="/admin/sign-out">{Hidden(tokens)}<button type="submit" class="link">Sign out</button></form>
            <form method="post" action="/admin/sign-out-everywhere" data-confirm="Sign out every organiser, on every device?">{Hidden(tokens)}<button type="submit" class="link" data-sign-out-everywhere>Sign out everywhere</button></form></div></div>
            <section class="card" aria-labelledby="new-poll"><h2 id="new-poll">New poll</h2>
            <form method="post" action="/admin/polls" class="stack" data-create-poll>
            {Hidden(tokens)}
            {Field(form.Error("question"), "question", """<label for="question">Question</label>""",
                $"""<input id="question" name="question" maxlength="{NewPoll.MaxQuestionLength}" required value="{E(form.Question)}"{Invalid(form.Error("question"), "question")}>""")}
            {Field(form.Error("options"), "options", $"""<label for="options">Options <span class="hint">one per line, {NewPoll.MinOptions} to {NewPoll.MaxOptions}</span></label>""",
                $"""<textarea id="options" name="options" rows="4" required placeholder="Yes&#10;No"{Invalid(form.Error("options"), "options")}>{E(form.Options)}</textarea>""")}
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
                    <p class="meta">{Votes(Count(totals, poll.Id))} {State(poll)}</p>
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

    private static string Detail(AntiforgeryTokenSet tokens, PollDefinition poll, long? votes, string voteUrl)
    {
        var id = E(poll.Id);
        var body = new StringBuilder();
        body.Append($"""
            <p class="back"><a href="/admin">← All polls</a></p>
            <section class="admin-poll" data-poll-id="{id}">
            <h1 class="question">{E(poll.Question)}</h1>
            <p class="meta">{Votes(votes)} {State(poll)}</p>
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
        if (poll.Closed)
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

    private static string Field(string? error, string name, string label, string input) => error is null
        ? $"<div class=\"field\">{label}{input}</div>"
        : $"""<div class="field invalid">{label}{input}<p class="field-error" id="{name}-error">{E(error)}</p></div>""";

    private static string Invalid(string? error, string name) =>
        error is null ? "" : $""" aria-invalid="true" aria-describedby="{name}-error" """;

    private static string Votes(long? votes) => votes switch
    {
        null => """<span class="votes" data-poll-votes="">— votes</span>""",
        1 => """<span class="votes" data-poll-votes="1">1 vote</span>""",
        _ => $"""<span class="votes" data-poll-votes="{votes}">{votes} votes</span>""",
    };

    private static string State(PollDefinition poll) => poll.Closed
        ? """<span class="badge closed" data-poll-state="closed">Closed</span>"""
        : """<span class="badge open" data-poll-state="open">Open</span>""";

    /// <summary>Admin pages are for one person's eyes: never cached, by the browser or anyone between.</summary>
    private static IResult Private(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Respond(html, status);
    }

    internal static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
