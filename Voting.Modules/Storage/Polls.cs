namespace Voting.Storage;

/// <summary>A poll as every role sees it, and as the API shows it.</summary>
internal sealed record PollDefinition(string Id, string Question, IReadOnlyList<PollOption> Options, bool Closed, DateTimeOffset CreatedAt)
{
    public PollOption? FindOption(string optionId)
    {
        foreach (var option in Options)
        {
            if (string.Equals(option.Id, optionId, StringComparison.Ordinal))
            {
                return option;
            }
        }
        return null;
    }
}

internal sealed record PollOption(string Id, string Label);

/// <summary>One option's count in a results snapshot.</summary>
internal sealed record OptionResult(string Id, string Label, long Votes);

/// <summary>What the results API answers and the hub pushes.</summary>
internal sealed record PollResults(string PollId, string Question, IReadOnlyList<OptionResult> Options, long Total, bool Closed, DateTimeOffset AsOf);

/// <summary>A vote on its way into the votes table. Version orders the votes of one voter.</summary>
internal readonly record struct VoteRow(string PollId, Guid VoterId, string OptionId, DateTimeOffset CastAt, long Version);

/// <summary>A poll's close as the worker meets it in the stream: no vote from <paramref name="Version"/> on counts.</summary>
internal readonly record struct CloseRow(string PollId, long Version, DateTimeOffset ClosedAt);
