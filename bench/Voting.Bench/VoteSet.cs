namespace Voting.Bench;

/// <summary>
/// The votes a measurement feeds in: nine in ten from new voters, one in ten a change of mind by an
/// earlier voter (so the later-version-wins path runs too). Deterministic for a seed.
/// </summary>
internal sealed record VoteSet(Guid[] Voters, int[] Options, int DistinctVoters)
{
    public static VoteSet Generate(int count, int optionCount, int seed = 42)
    {
        var random = new Random(seed);
        var voters = new Guid[count];
        var options = new int[count];
        var distinct = 0;
        for (var i = 0; i < count; i++)
        {
            if (i > 10 && random.Next(10) == 0)
            {
                voters[i] = voters[random.Next(i)];
            }
            else
            {
                voters[i] = NewGuid(random);
                distinct++;
            }
            options[i] = random.Next(optionCount);
        }
        return new VoteSet(voters, options, distinct);
    }

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    /// <summary>
    /// For each vote of <paramref name="set"/>, the set it chose: <paramref name="minSize"/> to
    /// <paramref name="maxSize"/> distinct members of <paramref name="choiceCount"/>, uniformly (so the
    /// mean size is their midpoint). Also the members counted in the end: the sizes of each voter's last set.
    /// </summary>
    public static (int[][] Sets, long CountedChoices) Sets(VoteSet set, int choiceCount, int minSize, int maxSize, int seed = 42)
    {
        var random = new Random(seed + 1);
        var sets = new int[set.Voters.Length][];
        var last = new Dictionary<Guid, int>(set.DistinctVoters);
        for (var i = 0; i < sets.Length; i++)
        {
            var size = random.Next(minSize, maxSize + 1);
            var members = new HashSet<int>(size);
            while (members.Count < size)
            {
                members.Add(random.Next(choiceCount));
            }
            sets[i] = [.. members];
            last[set.Voters[i]] = size;
        }
        return (sets, last.Values.Sum(s => (long)s));
    }
}
