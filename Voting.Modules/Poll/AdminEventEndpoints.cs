using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Voting.Storage;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// The organiser's event pages under <c>/admin/events</c>, signed in as every admin page is
/// (<see cref="AdminSessionFilter"/>): create an event, add and order its questions, put one live,
/// end it, and present it. The HTML is <see cref="AdminEventViews"/> and <see cref="EventViews"/>.
/// </summary>
internal static class AdminEventEndpoints
{
    public const int ListSize = 100;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/events").AddEndpointFilter(AdminSessionFilter.RequireSession);
        admin.MapGet("/", List).WhenSignedOut(SignedOut.BackToAdmin);
        admin.MapPost("/", Create);
        admin.MapGet("/{eventId}", Present).WhenSignedOut(SignedOut.BackToAdmin);
        admin.MapGet("/{eventId}/polls", Polls).WhenSignedOut(SignedOut.BackToAdmin);
        admin.MapPost("/{eventId}/polls", AddPoll);
        admin.MapPost("/{eventId}/live", SetLive);
        admin.MapPost("/{eventId}/move", Move);
        admin.MapPost("/{eventId}/close", Close);
        admin.MapGet("/{eventId}/results.csv", ExportCsv).WhenSignedOut(SignedOut.BackToAdmin);
    }

    /// <summary>The API's event CSV for the signed-in organiser (the session cookie reaches only <c>/admin</c> and <c>/api/polls</c>).</summary>
    private static async Task<IResult> ExportCsv(string eventId, EventStore events, ResultStore results, HttpContext http)
    {
        if (await EventCsv.ReadAsync(events, results, eventId, http.RequestAborted) is not { } csv)
        {
            return Private(http, AdminEventViews.UnknownEvent(), StatusCodes.Status404NotFound);
        }
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{EventCsv.FileName(eventId)}\"";
        return TypedResults.Text("\uFEFF" + csv, ResultsCsv.ContentType);
    }

    private static async Task<IResult> List(EventStore events, IAntiforgery antiforgery, HttpContext http) =>
        Private(http, AdminEventViews.List(antiforgery.GetAndStoreTokens(http), await events.ListAsync(ListSize, http.RequestAborted), null, null));

    private static async Task<IResult> Create([FromForm(Name = "title")] string? title, EventManagement management, EventStore events, IAntiforgery antiforgery, HttpContext http)
    {
        var created = await management.CreateAsync(title, http.RequestAborted);
        if (created.Event is { } e)
        {
            return AdminEndpoints.SeeOther(http, $"/admin/events/{e.Id}/polls");
        }
        var list = await events.ListAsync(ListSize, http.RequestAborted);
        return Private(http, AdminEventViews.List(antiforgery.GetAndStoreTokens(http), list, title, created.Problem), StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> Polls(string eventId, EventStore events, IAntiforgery antiforgery, IOptions<WebSettings> web, HttpContext http) =>
        await PollsPage(eventId, events, antiforgery, web, http, new AdminViews.CreateForm(), StatusCodes.Status200OK);

    private static async Task<IResult> PollsPage(string eventId, EventStore events, IAntiforgery antiforgery, IOptions<WebSettings> web, HttpContext http, AdminViews.CreateForm form, int status)
    {
        if (!Ids.IsValid(eventId) || await events.FindAsync(eventId, http.RequestAborted) is not { } e)
        {
            return Private(http, AdminEventViews.UnknownEvent(), StatusCodes.Status404NotFound);
        }
        var polls = await events.PollsAsync(e.Id, http.RequestAborted);
        var joinUrl = ShareLink.JoinUrl(web.Value.PublicUrl, http.Request, e.Code);
        return Private(http, AdminEventViews.Polls(antiforgery.GetAndStoreTokens(http), e, polls, joinUrl, form), status);
    }

    /// <summary>A question of any type, with the new-poll form's fields, added after the event's others.</summary>
    private static async Task<IResult> AddPoll(string eventId, [AsParameters] AdminEndpoints.CreatePollForm form, PollCreation creation, EventStore events, IAntiforgery antiforgery, IOptions<WebSettings> web, HttpContext http)
    {
        if (!Ids.IsValid(eventId))
        {
            return Private(http, AdminEventViews.UnknownEvent(), StatusCodes.Status404NotFound);
        }
        var created = await creation.CreateAsync(form.ToRequest() with { EventId = eventId }, http.RequestAborted);
        return created.Outcome switch
        {
            CreateOutcome.Created => AdminEndpoints.SeeOther(http, $"/admin/events/{eventId}/polls"),
            CreateOutcome.EventClosed => Problems.Of(StatusCodes.Status409Conflict, "This event has ended: it takes no more questions."),
            _ when created.Errors.ContainsKey("eventId") => Private(http, AdminEventViews.UnknownEvent(), StatusCodes.Status404NotFound),
            _ => await PollsPage(eventId, events, antiforgery, web, http, form.Typed(created.Errors), StatusCodes.Status422UnprocessableEntity),
        };
    }

    /// <summary>Go live, Previous, Next or the waiting screen (an empty <c>pollId</c>); back to the page the form was on.</summary>
    private static async Task<IResult> SetLive(string eventId, [FromForm(Name = "pollId")] string? pollId, [FromForm(Name = "return")] string? back, EventManagement management, HttpContext http)
    {
        var wanted = string.IsNullOrEmpty(pollId) ? null : pollId;
        if (!Ids.IsValid(eventId))
        {
            return Private(http, AdminEventViews.UnknownEvent(), StatusCodes.Status404NotFound);
        }
        if (wanted is not null && !Ids.IsValid(wanted))
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "This event has no such poll.");
        }
        return await management.SetLiveAsync(eventId, wanted, http.RequestAborted) switch
        {
            LiveOutcome.Set => AdminEndpoints.SeeOther(http, back == "present" ? $"/admin/events/{eventId}" : $"/admin/events/{eventId}/polls"),
            LiveOutcome.Closed => Problems.Of(StatusCodes.Status409Conflict, "This event has ended."),
            LiveOutcome.NotInEvent => Problems.Of(StatusCodes.Status422UnprocessableEntity, "This event has no such poll."),
            _ => Private(http, AdminEventViews.UnknownEvent(), StatusCodes.Status404NotFound),
        };
    }

    private static async Task<IResult> Move(string eventId, [FromForm(Name = "pollId")] string? pollId, [FromForm(Name = "direction")] string? direction, EventManagement management, HttpContext http)
    {
        if (!Ids.IsValid(eventId) || !Ids.IsValid(pollId) || direction is not ("up" or "down"))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Say which question moves, and up or down.");
        }
        await management.MoveAsync(eventId, pollId!, earlier: direction == "up", http.RequestAborted);
        return AdminEndpoints.SeeOther(http, $"/admin/events/{eventId}/polls");
    }

    private static async Task<IResult> Close(string eventId, IFormCollection form, EventManagement management, HttpContext http) =>
        Ids.IsValid(eventId) && await management.CloseAsync(eventId, http.RequestAborted)
            ? AdminEndpoints.SeeOther(http, "/admin/events")
            : Private(http, AdminEventViews.UnknownEvent(), StatusCodes.Status404NotFound);

    /// <summary>The presenter's screen with the organiser's controls: keys and buttons move through the event's questions.</summary>
    private static async Task<IResult> Present(string eventId, EventStore events, IAntiforgery antiforgery, IOptions<WebSettings> web, HttpContext http)
    {
        if (!Ids.IsValid(eventId) || await events.FindAsync(eventId, http.RequestAborted) is not { } e)
        {
            return Private(http, AdminEventViews.UnknownEvent(), StatusCodes.Status404NotFound);
        }
        var polls = await events.PollsAsync(e.Id, http.RequestAborted);
        var view = new EventView(e.Id, e.Code, e.Title, e.LivePollId, polls);
        var controls = AdminEventViews.Controls(antiforgery.GetAndStoreTokens(http), e,
            EventManagement.Neighbour(polls, e.LivePollId, -1), EventManagement.Neighbour(polls, e.LivePollId, 1));
        var joinUrl = ShareLink.JoinUrl(web.Value.PublicUrl, http.Request, e.Code);
        return Private(http, EventViews.Presenter(view, joinUrl, controls, AdminEventViews.ScriptsOfPresenter));
    }

    private static IResult Private(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Html.Respond(html, status);
    }
}
