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
    }

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>
    /// Polls newest first, a page at a time (<c>?limit=</c> 1 to 200, default 50; <c>?after=</c> the
    /// last id of the page before). The answer stays an array; a <c>Link: rel="next"</c> header
    /// points to the next page while there is one.
    /// </summary>
    private static Results<Ok<IReadOnlyList<PollDefinition>>, ProblemHttpResult> List(string? after, string? limit, PollCatalog catalog, HttpContext http)
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
        return TypedResults.Ok(page.Polls);
    }

    private static Results<Ok<PollDefinition>, ProblemHttpResult> GetPoll(string pollId, PollCatalog catalog) =>
        catalog.Find(pollId) is { } poll ? TypedResults.Ok(poll) : UnknownPoll(pollId);

    private static async Task<Results<Accepted, ProblemHttpResult>> Vote(string pollId, HttpContext http, VoteService votes)
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
        return await votes.CastAsync(pollId, optionId, voter, http.RequestAborted) switch
        {
            // A bare 202: writing a JSON echo of the request cost about 5 % of the poll role's CPU.
            VoteOutcome.Accepted => TypedResults.Accepted((string?)null),
            VoteOutcome.UnknownPoll => UnknownPoll(pollId),
            VoteOutcome.UnknownOption => Problems.Of(StatusCodes.Status422UnprocessableEntity, "This poll has no such option."),
            VoteOutcome.Closed => Problems.Of(StatusCodes.Status409Conflict, "This poll is closed."),
            _ => Problems.Unavailable(http, "The vote was not confirmed; it may still count. Retrying is safe: a voter has one vote."),
        };
    }

    private static async Task<Results<Created<PollDefinition>, ValidationProblem, ProblemHttpResult>> Create(HttpContext http, PollCreation creation)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreatePollRequest>(http.Request, MaxPollBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        return await creation.CreateAsync(request!.Id, request.Question, request.Options, http.RequestAborted) switch
        {
            { Outcome: CreateOutcome.Created, Poll: { } poll } => TypedResults.Created($"/api/polls/{poll.Id}", poll),
            { Outcome: CreateOutcome.Invalid, Errors: var errors } => TypedResults.ValidationProblem(errors),
            _ => Problems.Of(StatusCodes.Status409Conflict, $"A poll with the id '{request.Id}' exists already."),
        };
    }

    private static async Task<Results<Ok<PollDefinition>, ProblemHttpResult>> Close(string pollId, PollClosing closing, HttpContext http) =>
        await closing.CloseAsync(pollId, http.RequestAborted) switch
        {
            (CloseOutcome.Closed, { } poll) => TypedResults.Ok(poll),
            (CloseOutcome.NotConfirmed, _) => Problems.Unavailable(http, "The close was not confirmed; retrying is safe."),
            _ => UnknownPoll(pollId),
        };

    private static ProblemHttpResult UnknownPoll(string pollId) =>
        Problems.Of(StatusCodes.Status404NotFound, "There is no such poll.");
}
