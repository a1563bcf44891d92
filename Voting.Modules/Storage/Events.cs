namespace Voting.Storage;

/// <summary>
/// An event: a run of polls under one join code, with at most one poll live (on every phone) at a
/// time; <see cref="LivePollId"/> null is the waiting screen between questions.
/// </summary>
internal sealed record EventDefinition(string Id, string Code, string Title, string? LivePollId, bool Closed, DateTimeOffset CreatedAt);

/// <summary>A poll of an event, in the event's order.</summary>
internal sealed record EventPoll(string Id, string Question);

/// <summary>What putting a poll live came to.</summary>
internal enum LiveOutcome
{
    Set,
    NoEvent,
    Closed,
    NotInEvent,
}

/// <summary>What creating an event answers: <c>{"id", "code", "title"}</c>.</summary>
internal sealed record EventCreatedView(string Id, string Code, string Title);

/// <summary><c>GET /api/events/{code}</c>: the event, its live poll (or null) and its polls in order.</summary>
internal sealed record EventView(string Id, string Code, string Title, string? LivePollId, IReadOnlyList<EventPoll> Polls);

/// <summary>
/// The hub's <c>event</c> message: the live poll as <c>GET /api/polls/{id}</c> shows it, or null
/// between questions. <see cref="Closed"/> says the event has ended (every phone then stops following).
/// </summary>
internal sealed record EventMessage(string Code, string? LivePollId, PollView? Poll)
{
    public bool Closed { get; init; }
}
