using System.Text.Json;
using System.Text.Json.Serialization;
using Voting.Storage;

namespace Voting.Web;

/// <summary>A vote as the API takes it.</summary>
internal sealed record VoteRequest(string? OptionId);

/// <summary>A new poll as the admin API takes it; the server makes option ids from the labels.</summary>
internal sealed record CreatePollRequest(string? Id, string? Question, IReadOnlyList<string?>? Options)
{
    /// <summary><c>always</c> (the default), <c>revealed</c> or <c>closed</c>.</summary>
    public string? ResultsVisibility { get; init; }

    /// <summary>Seconds from creation until the poll closes by itself, 10 to 86,400; none by default.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int? DurationSeconds { get; init; }
}

/// <summary>A poll's timer as the admin API takes it: seconds from now, 0 to cancel.</summary>
internal sealed record TimerRequest([property: JsonNumberHandling(JsonNumberHandling.Strict)] int? Seconds);

/// <summary>What setting a timer answers.</summary>
internal sealed record TimerResponse(string PollId, DateTimeOffset? ClosesAt);

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
internal sealed partial class VotingJson : JsonSerializerContext;
