using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Voting.Storage;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// Events on the JSON API: create one (admin), put a poll live or none (admin), read an open event
/// by its code (anyone), close it (admin), and its results as one CSV (admin).
/// </summary>
internal static class EventApi
{
    public const int MaxBodyBytes = 4096;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/events");
        api.MapGet("/{code}", Get);
        var admin = api.MapGroup("/").AddEndpointFilter(AdminToken.RequireBearer);
        admin.MapPost("/", Create);
        admin.MapPost("/{eventId}/live", SetLive);
        admin.MapPost("/{eventId}/close", Close);
        admin.MapGet("/{eventId}/results.csv", ExportCsv);
    }

    private static async Task<Results<Ok<EventView>, ProblemHttpResult>> Get(string code, EventLookup lookup, HttpContext http) =>
        await lookup.FindAsync(code, http.RequestAborted) is { } view ? TypedResults.Ok(view) : UnknownEvent();

    private static async Task<Results<Created<EventCreatedView>, ValidationProblem, ProblemHttpResult>> Create(HttpContext http, EventManagement management)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateEventRequest>(http.Request, MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        var created = await management.CreateAsync(request!.Title, http.RequestAborted);
        if (created.Event is not { } e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["title"] = [created.Problem!] });
        }
        return TypedResults.Created($"/api/events/{e.Code}", new EventCreatedView(e.Id, e.Code, e.Title));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetLive(string eventId, HttpContext http, EventManagement management)
    {
        if (!Ids.IsValid(eventId))
        {
            return UnknownEvent();
        }
        var (request, problem) = await JsonBody.ReadAsync<LiveRequest>(http.Request, MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        if (request!.PollId is { } pollId && !Ids.IsValid(pollId))
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "This event has no such poll.");
        }
        return await management.SetLiveAsync(eventId, request.PollId, http.RequestAborted) switch
        {
            LiveOutcome.Set => TypedResults.NoContent(),
            LiveOutcome.Closed => Problems.Of(StatusCodes.Status409Conflict, "This event is closed."),
            LiveOutcome.NotInEvent => Problems.Of(StatusCodes.Status422UnprocessableEntity, "This event has no such poll."),
            _ => UnknownEvent(),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Close(string eventId, HttpContext http, EventManagement management) =>
        Ids.IsValid(eventId) && await management.CloseAsync(eventId, http.RequestAborted) ? TypedResults.NoContent() : UnknownEvent();

    private static async Task<IResult> ExportCsv(string eventId, EventStore events, ResultStore results, HttpContext http)
    {
        if (await EventCsv.ReadAsync(events, results, eventId, http.RequestAborted) is not { } csv)
        {
            return UnknownEvent();
        }
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{EventCsv.FileName(eventId)}\"";
        return TypedResults.Text("\uFEFF" + csv, ResultsCsv.ContentType);
    }

    private static ProblemHttpResult UnknownEvent() =>
        Problems.Of(StatusCodes.Status404NotFound, "There is no such event, or it has ended.");
}
