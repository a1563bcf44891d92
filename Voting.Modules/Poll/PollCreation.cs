using Voting.Storage;

namespace Voting.Poll;

internal enum CreateOutcome
{
    Created,
    Invalid,
    IdTaken,
}

/// <summary>What creating a poll came to: the poll when created, the errors by field when invalid.</summary>
internal sealed record PollCreated(CreateOutcome Outcome, PollDefinition? Poll, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// Creating a poll, for the API, the admin page and the command line alike: the rules of
/// <see cref="NewPoll"/>, then the store, then this process's catalog (when there is one), so the
/// poll is votable here at once.
/// </summary>
internal sealed class PollCreation(PollStore store, PollCatalog? catalog, TimeProvider time)
{
    private static readonly Dictionary<string, string[]> NoErrors = [];

    public async Task<PollCreated> CreateAsync(string? id, string? question, IReadOnlyList<string?>? labels, CancellationToken cancellationToken)
    {
        var errors = NewPoll.Validate(id, question, labels);
        if (errors.Count > 0)
        {
            return new PollCreated(CreateOutcome.Invalid, null, errors);
        }
        var now = time.GetUtcNow();
        // A generated id may collide; a few fresh draws make that vanishingly unlikely.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var poll = NewPoll.Create(id, question!, labels!, now);
            if (await store.CreateAsync(poll, cancellationToken))
            {
                catalog?.Put(poll);
                return new PollCreated(CreateOutcome.Created, poll, NoErrors);
            }
            if (id is not null)
            {
                return new PollCreated(CreateOutcome.IdTaken, null, NoErrors);
            }
        }
        throw new InvalidOperationException("Could not find a free poll id.");
    }
}
