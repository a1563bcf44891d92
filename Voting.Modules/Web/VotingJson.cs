using System.Text.Json;
using System.Text.Json.Serialization;
using Voting.Storage;

namespace Voting.Web;

/// <summary>A vote as the API takes it.</summary>
internal sealed record VoteRequest(string? OptionId);

/// <summary>A new poll as the admin API takes it; the server makes option ids from the labels.</summary>
internal sealed record CreatePollRequest(string? Id, string? Question, IReadOnlyList<string?>? Options);

/// <summary>Source-generated JSON for everything the API reads or writes: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PollDefinition))]
[JsonSerializable(typeof(IReadOnlyList<PollDefinition>))]
[JsonSerializable(typeof(PollResults))]
[JsonSerializable(typeof(VoteRequest))]
[JsonSerializable(typeof(CreatePollRequest))]
internal sealed partial class VotingJson : JsonSerializerContext;
