using Voting.Storage;

namespace Voting.Poll;

internal enum ModerationOutcome
{
    Done,
    UnknownPoll,
    NotWordsPoll,
    NotAWord,
}

/// <summary>
/// The organiser hides or shows again a word of a words poll (the API's <c>words/hide</c> and
/// <c>words/unhide</c>, the admin page's buttons). The text is matched as votes are counted, after
/// normalisation; the count is kept either way, and result processes are told at once.
/// </summary>
internal sealed class WordModeration(PollCatalog catalog, PollStore store)
{
    public static readonly string NotAWordMessage = $"A word is 1 to {WordText.MaxLength} characters of visible text, without control characters.";

    public const string NotWordsPollMessage = "This poll takes no words: only a words poll has words to hide.";

    public async Task<ModerationOutcome> SetHiddenAsync(string pollId, string text, bool hidden, CancellationToken cancellationToken)
    {
        if (BallotRequest.Word(text) is not { } word)
        {
            return ModerationOutcome.NotAWord;
        }
        return await catalog.FindOrReadAsync(pollId, store, cancellationToken) switch
        {
            null => ModerationOutcome.UnknownPoll,
            { Type: not PollType.Words } => ModerationOutcome.NotWordsPoll,
            var poll => await store.SetWordHiddenAsync(poll.Id, word, hidden, cancellationToken) ? ModerationOutcome.Done : ModerationOutcome.UnknownPoll,
        };
    }
}
