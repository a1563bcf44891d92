using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Npgsql;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// Poll management for organisers: sign in with the admin token, create and close polls, share a
/// poll's link and QR code. Plain forms (antiforgery-checked), so it works without JavaScript. The
/// session check is the group's (<see cref="AdminSessionFilter"/>); the HTML is <see cref="AdminViews"/>.
/// </summary>
internal static class AdminEndpoints
{
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
        admin.MapPost("/polls/{pollId}/reveal", (string pollId, IFormCollection form, HttpContext http, PollReveal reveal) => SetRevealedAsync(pollId, true, http, reveal));
        admin.MapPost("/polls/{pollId}/hide", (string pollId, IFormCollection form, HttpContext http, PollReveal reveal) => SetRevealedAsync(pollId, false, http, reveal));
        admin.MapPost("/polls/{pollId}/timer", SetTimer);
        admin.MapPost("/polls/{pollId}/words/hide", (string pollId, [FromForm(Name = "text")] string? text, HttpContext http, WordModeration moderation) => SetWordHiddenAsync(pollId, text, true, http, moderation));
        admin.MapPost("/polls/{pollId}/words/unhide", (string pollId, [FromForm(Name = "text")] string? text, HttpContext http, WordModeration moderation) => SetWordHiddenAsync(pollId, text, false, http, moderation));
    }

    /// <summary>Polls on one page of the admin list.</summary>
    public const int PageSize = 50;

    private static async Task<IResult> Home([FromQuery] string? after, [AsParameters] AdminRequest request)
    {
        var page = request.Catalog.Page(after, PageSize) ?? request.Catalog.Page(null, PageSize)!;
        var totals = await request.TotalsAsync(page.Polls.Select(p => p.Id).ToArray());
        return Private(request.Http, AdminViews.Home(request.Tokens(), page, totals, new AdminViews.CreateForm(), request.Now));
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

    private static async Task<IResult> Create([AsParameters] CreatePollForm form, [AsParameters] AdminRequest request, PollCreation creation)
    {
        var kind = form.Kind;
        var wanted = form.ToRequest();
        var created = await creation.CreateAsync(wanted, request.Http.RequestAborted);
        if (created.Poll is { } poll)
        {
            return SeeOther(request.Http, $"/admin/polls/{Uri.EscapeDataString(poll.Id)}");
        }
        var page = request.Catalog.Page(null, PageSize)!;
        var totals = await request.TotalsAsync(page.Polls.Select(p => p.Id).ToArray());
        var typed = new AdminViews.CreateForm(form.Question, form.Options, created.Errors) { ResultsVisibility = form.ResultsVisibility, Duration = form.DurationSeconds, Kind = kind };
        return Private(request.Http, AdminViews.Home(request.Tokens(), page, totals, typed, request.Now), StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> Show(string pollId, [AsParameters] AdminRequest request, IOptions<WebSettings> web, Storage.SubmittedWords submitted)
    {
        if (request.Catalog.Find(pollId) is not { } poll)
        {
            return Private(request.Http, AdminViews.UnknownPoll(), StatusCodes.Status404NotFound);
        }
        var totals = await request.TotalsAsync([poll.Id]);
        var voteUrl = ShareLink.VoteUrl(web.Value.PublicUrl, request.Http.Request, poll.Id);
        var words = poll.Type == Storage.PollType.Words ? await submitted.ReadAsync(poll.Id, request.Http.RequestAborted) : null;
        return Private(request.Http, AdminViews.Poll(request.Tokens(), poll, totals, voteUrl, request.Now, words));
    }

    /// <summary>Hide or Unhide beside a word (<see cref="WordModeration"/>, as the API's), then back to the poll's page.</summary>
    private static async Task<IResult> SetWordHiddenAsync(string pollId, string? text, bool hidden, HttpContext http, WordModeration moderation) =>
        await moderation.SetHiddenAsync(pollId, text ?? string.Empty, hidden, http.RequestAborted) switch
        {
            ModerationOutcome.Done => SeeOther(http, PollPage(pollId)),
            ModerationOutcome.NotAWord => Problems.Of(StatusCodes.Status422UnprocessableEntity, WordModeration.NotAWordMessage),
            ModerationOutcome.NotWordsPoll => Problems.Of(StatusCodes.Status409Conflict, WordModeration.NotWordsPollMessage),
            _ => Private(http, AdminViews.UnknownPoll(), StatusCodes.Status404NotFound),
        };

    private static async Task<IResult> Close(string pollId, IFormCollection form, HttpContext http, PollClosing closing) =>
        await closing.CloseAsync(pollId, http.RequestAborted) switch
        {
            (CloseOutcome.Closed, { } poll) => SeeOther(http, $"/admin/polls/{Uri.EscapeDataString(poll.Id)}"),
            (CloseOutcome.NotConfirmed, _) => Problems.Unavailable(http, "The close was not confirmed; try again."),
            _ => Private(http, AdminViews.UnknownPoll(), StatusCodes.Status404NotFound),
        };

    private static async Task<IResult> SetRevealedAsync(string pollId, bool revealed, HttpContext http, PollReveal reveal) =>
        await reveal.SetAsync(pollId, revealed, http.RequestAborted) is { } poll
            ? SeeOther(http, PollPage(poll.Id))
            : Private(http, AdminViews.UnknownPoll(), StatusCodes.Status404NotFound);

    /// <summary>The timer form: <c>seconds</c> from the preset buttons or the custom field; 0 cancels.</summary>
    private static async Task<IResult> SetTimer(string pollId, [FromForm(Name = "seconds")] string? seconds, HttpContext http, PollTimer timer)
    {
        if (!int.TryParse(seconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value is not (0 or >= PollTimer.MinSeconds and <= PollTimer.MaxSeconds))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, $"A timer runs {PollTimer.MinSeconds} to {PollTimer.MaxSeconds} seconds (0 cancels it).");
        }
        return await timer.SetAsync(pollId, value, http.RequestAborted) switch
        {
            (TimerOutcome.Set or TimerOutcome.Closed, { } poll) => SeeOther(http, PollPage(poll.Id)),
            (TimerOutcome.NotConfirmed, _) => Problems.Unavailable(http, "The timer was not confirmed; try again."),
            _ => Private(http, AdminViews.UnknownPoll(), StatusCodes.Status404NotFound),
        };
    }

    /// <summary>The same CSV as the API's, for the signed-in organiser (hidden results included: they are the organiser's).</summary>
    private static string PollPage(string pollId) => $"/admin/polls/{Uri.EscapeDataString(pollId)}";

    /// <summary>An empty duration is no timer; text that is no whole number is as out of range as -1.</summary>
    private static int? Duration(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : -1;

    internal static string[] SplitLines(string? text) =>
        (text ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    internal static IResult SignInPage(HttpContext http, AdminToken adminToken, IAntiforgery antiforgery, string? error, int status) =>
        Private(http, AdminViews.SignIn(antiforgery.GetAndStoreTokens(http), adminToken.IsConfigured, error), status);

    /// <summary>Admin pages are for one person's eyes: never cached, by the browser or anyone between.</summary>
    private static IResult Private(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Html.Respond(html, status);
    }

    internal static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>The fields of the create form, as typed (an event's page posts the same fields).</summary>
    internal readonly record struct CreatePollForm(
        [FromForm(Name = "question")] string? Question,
        [FromForm(Name = "options")] string? Options,
        [FromForm(Name = "resultsVisibility")] string? ResultsVisibility,
        [FromForm(Name = "durationSeconds")] string? DurationSeconds,
        [FromForm(Name = "type")] string? Type,
        [FromForm(Name = "maxChoices")] string? MaxChoices,
        [FromForm(Name = "scaleMin")] string? ScaleMin,
        [FromForm(Name = "scaleMax")] string? ScaleMax,
        [FromForm(Name = "minLabel")] string? MinLabel,
        [FromForm(Name = "maxLabel")] string? MaxLabel,
        [FromForm(Name = "maxWords")] string? MaxWords)
    {
        public QuestionFields Kind => new(Type, MaxChoices, ScaleMin, ScaleMax, MinLabel, MaxLabel, MaxWords);

        public CreatePollRequest ToRequest() => AdminPollForm.Request(Question, Options, Kind) with
        {
            ResultsVisibility = string.IsNullOrEmpty(ResultsVisibility) ? null : ResultsVisibility,
            DurationSeconds = Duration(DurationSeconds),
        };

        /// <summary>What was typed, for the form shown again with its errors.</summary>
        public AdminViews.CreateForm Typed(IReadOnlyDictionary<string, string[]> errors) =>
            new(Question, Options, errors) { ResultsVisibility = ResultsVisibility, Duration = DurationSeconds, Kind = Kind };
    }

    /// <summary>What a page that lists polls needs: the request and its form tokens, the polls and their vote counts.</summary>
    private readonly record struct AdminRequest(HttpContext Http, IAntiforgery Antiforgery, PollCatalog Catalog, Storage.PollStore Store, TimeProvider Time)
    {
        public AntiforgeryTokenSet Tokens() => Antiforgery.GetAndStoreTokens(Http);

        public DateTimeOffset Now => Time.GetUtcNow();

        /// <summary>Vote counts from the kept tallies; the page still works (without counts) while PostgreSQL is down.</summary>
        public async Task<IReadOnlyDictionary<string, long>?> TotalsAsync(string[] pollIds)
        {
            try
            {
                return await Store.TotalsAsync(pollIds, Http.RequestAborted);
            }
            catch (NpgsqlException)
            {
                return null;
            }
        }
    }
}
