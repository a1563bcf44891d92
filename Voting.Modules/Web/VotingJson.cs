using System.Text.Json;
using System.Text.Json.Serialization;
using Voting.Storage;

namespace Voting.Web;

/// <summary>
/// A vote as the API takes it: exactly the field of the poll's type, <c>optionId</c> (single),
/// <c>optionIds</c> (multiple), <c>rating</c> or <c>words</c>.
/// </summary>
[JsonConverter(typeof(VoteRequestConverter))]
internal sealed record VoteRequest(string? OptionId)
{
    public IReadOnlyList<string?>? OptionIds { get; init; }

    /// <summary>A JSON number only: <see cref="VoteRequestConverter"/> refuses <c>"4"</c>.</summary>
    public int? Rating { get; init; }

    public IReadOnlyList<string?>? Words { get; init; }
}

/// <summary>A word to hide or show again, as the organiser types it (matched after normalisation).</summary>
internal sealed record WordRequest(string? Text);

/// <summary>A rating poll's scale as the admin API takes it.</summary>
internal sealed record ScaleRequest
{
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int? Min { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int? Max { get; init; }

    public string? MinLabel { get; init; }

    public string? MaxLabel { get; init; }
}

/// <summary>A new poll as the admin API takes it; the server makes option ids from the labels.</summary>
internal sealed record CreatePollRequest(string? Id, string? Question, IReadOnlyList<string?>? Options)
{
    /// <summary><c>always</c> (the default), <c>revealed</c> or <c>closed</c>.</summary>
    public string? ResultsVisibility { get; init; }

    /// <summary>Seconds from creation until the poll closes by itself, 10 to 86,400; none by default.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int? DurationSeconds { get; init; }

    /// <summary><c>single</c> (the default), <c>multiple</c>, <c>rating</c> or <c>words</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Multiple choice: how many options a ballot may hold, 1 to the number of options (default: all).</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int? MaxChoices { get; init; }

    /// <summary>Rating: the scale (default 1 to 5) and its end labels.</summary>
    public ScaleRequest? Scale { get; init; }

    /// <summary>Words: how many words a ballot may hold, 1 to 5 (default 3).</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int? MaxWords { get; init; }

    /// <summary>The open event the poll joins, after the event's other polls.</summary>
    public string? EventId { get; init; }
}

/// <summary>A poll's timer as the admin API takes it: seconds from now, 0 to cancel.</summary>
internal sealed record TimerRequest([property: JsonNumberHandling(JsonNumberHandling.Strict)] int? Seconds);

/// <summary>What setting a timer answers.</summary>
internal sealed record TimerResponse(string PollId, DateTimeOffset? ClosesAt);

/// <summary>A new event as the admin API takes it.</summary>
internal sealed record CreateEventRequest(string? Title);

/// <summary>
/// The poll to put live: <c>{"pollId": "…"}</c>, or <c>{"pollId": null}</c> for the waiting screen.
/// The field must be there: an empty object says neither.
/// </summary>
internal sealed record LiveRequest([property: JsonRequired] string? PollId);

/// <summary>Source-generated JSON for everything the API reads or writes: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PollView))]
[JsonSerializable(typeof(IReadOnlyList<PollView>))]
[JsonSerializable(typeof(PollResults))]
[JsonSerializable(typeof(HiddenResults))]
[JsonSerializable(typeof(TimerRequest))]
[JsonSerializable(typeof(TimerResponse))]
[JsonSerializable(typeof(VoteRequest))]
[JsonSerializable(typeof(CreatePollRequest))]
[JsonSerializable(typeof(WordRequest))]
[JsonSerializable(typeof(CreateEventRequest))]
[JsonSerializable(typeof(LiveRequest))]
[JsonSerializable(typeof(EventCreatedView))]
[JsonSerializable(typeof(EventView))]
[JsonSerializable(typeof(EventMessage))]
internal sealed partial class VotingJson : JsonSerializerContext;
