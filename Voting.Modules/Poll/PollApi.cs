using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Voting.Storage;
using Voting.Web;

namespace Voting.Poll;

/// <summary>The JSON API of the poll role: poll definitions, votes, and poll management.</summary>
internal static class PollApi
{
    /// <summary>A vote body is one short field; anything past this is not a vote.</summary>
    public const int MaxVoteBodyBytes = 4096;

    public const int MaxPollBodyBytes = 16 * 1024;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/polls");
        api.MapGet("/", List);
        api.MapGet("/{pollId}", GetPoll);
        api.MapPost("/{pollId}/votes", Vote).WithMetadata(new VoteRateLimitedAttribute());

        var admin = api.MapGroup("/").AddEndpointFilter(AdminToken.RequireBearer);
        admin.MapPost("/", Create);
        admin.MapPost("/{pollId}/close", Close);
        admin.MapPost("/{pollId}/reveal", (string pollId, PollReveal reveal, HttpContext http) => SetRevealedAsync(pollId, true, reveal, http));
        admin.MapPost("/{pollId}/hide", (string pollId, PollReveal reveal, HttpContext http) => SetRevealedAsync(pollId, false, reveal, http));
        admin.MapPost("/{pollId}/timer", SetTimer);
        admin.MapPost("/{pollId}/words/hide", (string pollId, WordModeration moderation, HttpContext http) => SetWordHidden(pollId, true, moderation, http));
        admin.MapPost("/{pollId}/words/unhide", (string pollId, WordModeration moderation, HttpContext http) => SetWordHidden(pollId, false, moderation, http));

        // The organiser's download: with the Bearer token, or from the admin page's signed-in session.
        api.MapGet("/{pollId}/results.csv", ExportCsv).AddEndpointFilter(AdminSessionFilter.RequireBearerOrSession);
    }

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>
    /// Polls newest first, a page at a time (<c>?limit=</c> 1 to 200, default 50; <c>?after=</c> the
    /// last id of the page before). The answer stays an array; a <c>Link: rel="next"</c> header
    /// points to the next page while there is one.
    /// </summary>
    private static Results<Ok<IReadOnlyList<PollView>>, ProblemHttpResult> List(string? after, string? limit, PollCatalog catalog, TimeProvider time, HttpContext http)
    {
        var size = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, $"limit is a whole number from 1 to {MaxPageSize}.");
        }
        if (after is not null && !Ids.IsValid(after) || catalog.Page(after, size) is not { } page)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "after names no poll: give the id of the last poll of the page before.");
        }
        if (page.NextAfter is { } next)
        {
            http.Response.Headers.Link = $"</api/polls?limit={size}&after={Uri.EscapeDataString(next)}>; rel=\"next\"";
        }
        var now = time.GetUtcNow();
        return TypedResults.Ok<IReadOnlyList<PollView>>(page.Polls.Select(p => PollView.Of(p, now)).ToArray());
    }

    private static Results<Ok<PollView>, ProblemHttpResult> GetPoll(string pollId, PollCatalog catalog, TimeProvider time) =>
        catalog.Find(pollId) is { } poll ? TypedResults.Ok(PollView.Of(poll, time.GetUtcNow())) : UnknownPoll(pollId);

    private static async Task<Results<Accepted, ProblemHttpResult>> Vote(string pollId, HttpContext http, VoteService votes, PollCatalog catalog)
    {
        if (!Ids.IsValid(pollId))
        {
            return UnknownPoll(pollId);
        }
        var (request, problem) = await JsonBody.ReadAsync<VoteRequest>(http.Request, MaxVoteBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        var poll = catalog.Find(pollId);
        if (poll is { Type: not PollType.Single })
        {
            var (ballot, wrong) = BallotRequest.Read(poll, request!);
            return ballot is null
                ? Problems.Of(StatusCodes.Status422UnprocessableEntity, wrong!)
                : Answer(await votes.CastAsync(pollId, ballot, VoterCookie.GetOrIssue(http), http.RequestAborted), pollId, http);
        }
        if (BallotRequest.HasOtherFields(request!, PollType.Single))
        {
            return poll is null ? UnknownPoll(pollId) : Problems.Of(StatusCodes.Status422UnprocessableEntity, BallotRequest.Expected(poll));
        }
        // Single choice, or a poll this process does not know: exactly as before question types.
        var optionId = request!.OptionId;
        if (string.IsNullOrEmpty(optionId))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Say which option: {\"optionId\":\"…\"}.");
        }
        if (!Ids.IsValid(optionId))
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "This poll has no such option.");
        }
        var voter = VoterCookie.GetOrIssue(http);
        return Answer(await votes.CastAsync(pollId, optionId, voter, http.RequestAborted), pollId, http);
    }

    private static Results<Accepted, ProblemHttpResult> Answer(VoteOutcome outcome, string pollId, HttpContext http) =>
        outcome switch
        {
            // A bare 202: writing a JSON echo of the request cost about 5 % of the poll role's CPU.
            VoteOutcome.Accepted => TypedResults.Accepted((string?)null),
            VoteOutcome.UnknownPoll => UnknownPoll(pollId),
            VoteOutcome.UnknownOption => Problems.Of(StatusCodes.Status422UnprocessableEntity, "This poll has no such option."),
            VoteOutcome.Closed => Problems.Of(StatusCodes.Status409Conflict, "This poll is closed."),
            _ => Problems.Unavailable(http, "The vote was not confirmed; it may still count. Retrying is safe: a voter has one vote."),
        };

    /// <summary>
    /// <c>{"text": "…"}</c>: hides a word of a words poll from its results, or shows it again with its
    /// count intact. The word is matched after normalisation, and need not have been given yet.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> SetWordHidden(string pollId, bool hidden, WordModeration moderation, HttpContext http)
    {
        if (!Ids.IsValid(pollId))
        {
            return UnknownPoll(pollId);
        }
        var (request, problem) = await JsonBody.ReadAsync<WordRequest>(http.Request, MaxVoteBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        if (request!.Text is not { } text)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Say which word: {\"text\": \"…\"}.");
        }
        return await moderation.SetHiddenAsync(pollId, text, hidden, http.RequestAborted) switch
        {
            ModerationOutcome.Done => TypedResults.NoContent(),
            ModerationOutcome.NotAWord => Problems.Of(StatusCodes.Status422UnprocessableEntity, WordModeration.NotAWordMessage),
            ModerationOutcome.NotWordsPoll => Problems.Of(StatusCodes.Status409Conflict, WordModeration.NotWordsPollMessage),
            _ => UnknownPoll(pollId),
        };
    }

    private static async Task<Results<Created<PollView>, ValidationProblem, ProblemHttpResult>> Create(HttpContext http, PollCreation creation, TimeProvider time)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreatePollRequest>(http.Request, MaxPollBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        return await creation.CreateAsync(request!, http.RequestAborted) switch
        {
            { Outcome: CreateOutcome.Created, Poll: { } poll } => TypedResults.Created($"/api/polls/{poll.Id}", PollView.Of(poll, time.GetUtcNow())),
            { Outcome: CreateOutcome.Invalid, Errors: var errors } => TypedResults.ValidationProblem(errors),
            { Outcome: CreateOutcome.EventClosed } => Problems.Of(StatusCodes.Status409Conflict, "This event is closed: it takes no more polls."),
            _ => Problems.Of(StatusCodes.Status409Conflict, $"A poll with the id '{request!.Id}' exists already."),
        };
    }

    private static async Task<Results<Ok<PollView>, ProblemHttpResult>> Close(string pollId, PollClosing closing, TimeProvider time, HttpContext http) =>
        await closing.CloseAsync(pollId, http.RequestAborted) switch
        {
            (CloseOutcome.Closed, { } poll) => TypedResults.Ok(PollView.Of(poll, time.GetUtcNow())),
            (CloseOutcome.NotConfirmed, _) => Problems.Unavailable(http, "The close was not confirmed; retrying is safe."),
            _ => UnknownPoll(pollId),
        };

    private static async Task<Results<NoContent, ProblemHttpResult>> SetRevealedAsync(string pollId, bool revealed, PollReveal reveal, HttpContext http) =>
        await reveal.SetAsync(pollId, revealed, http.RequestAborted) is null ? UnknownPoll(pollId) : TypedResults.NoContent();

    /// <summary><c>{"seconds": N}</c>: the poll closes N seconds from now (10 to 86,400), or 0 cancels its timer.</summary>
    private static async Task<Results<Ok<TimerResponse>, ProblemHttpResult>> SetTimer(string pollId, PollTimer timer, HttpContext http)
    {
        var (request, problem) = await JsonBody.ReadAsync<TimerRequest>(http.Request, MaxVoteBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        if (request!.Seconds is not ({ } seconds and (0 or >= PollTimer.MinSeconds and <= PollTimer.MaxSeconds)))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, $"Say when the poll closes: {{\"seconds\": N}}, N from {PollTimer.MinSeconds} to {PollTimer.MaxSeconds}, or 0 to cancel the timer.");
        }
        return await timer.SetAsync(pollId, seconds, http.RequestAborted) switch
        {
            (TimerOutcome.Set, { } poll) => TypedResults.Ok(new TimerResponse(poll.Id, poll.ClosesAt)),
            (TimerOutcome.Closed, _) => Problems.Of(StatusCodes.Status409Conflict, "This poll is closed: its timer can no longer change."),
            (TimerOutcome.NotConfirmed, _) => Problems.Unavailable(http, "The timer was not confirmed; retrying is safe."),
            _ => UnknownPoll(pollId),
        };
    }

    /// <summary>The results as a spreadsheet reads them (<see cref="ResultsCsv"/>), during the vote or after, hidden or not.</summary>
    private static async Task<IResult> ExportCsv(string pollId, ResultStore results, HttpContext http)
    {
        if (!Ids.IsValid(pollId) || await results.ReadForExportAsync(pollId, http.RequestAborted) is not { } snapshot)
        {
            return UnknownPoll(pollId);
        }
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ResultsCsv.FileName(snapshot.PollId)}\"";
        // The byte order mark tells Excel the file is UTF-8; without it, accented labels arrive garbled.
        return TypedResults.Text("\uFEFF" + ResultsCsv.Write(snapshot), ResultsCsv.ContentType);
    }

    private static ProblemHttpResult UnknownPoll(string pollId) =>
        Problems.Of(StatusCodes.Status404NotFound, "There is no such poll.");
}
