namespace Voting.Host;

[Flags]
internal enum Role
{
    None = 0,
    Poll = 1,
    Worker = 2,
    Result = 4,
    All = Poll | Worker | Result,
}

/// <summary>
/// The roles one process runs: <c>poll</c>, <c>worker</c>, <c>result</c>, a comma list of them, or
/// <c>all</c>. A <see cref="Role"/> is one of them; <see cref="Roles"/> builds the application for a set.
/// </summary>
internal readonly record struct RoleSet(Role Members)
{
    public const string Valid = "poll, worker, result or all (or a comma-separated list such as poll,worker)";

    public bool Has(Role role) => (Members & role) == role;

    /// <summary>Every role in one process: a laptop, which also migrates the database at start.</summary>
    public bool IsAll => Members == Role.All;

    public static bool TryParse(string? text, out RoleSet roles, out string? error)
    {
        roles = default;
        error = null;
        var parsed = Role.None;
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
        {
            var role = part.ToLowerInvariant() switch
            {
                "poll" => Role.Poll,
                "worker" => Role.Worker,
                "result" => Role.Result,
                "all" => Role.All,
                _ => Role.None,
            };
            if (role == Role.None)
            {
                error = part.Length == 0
                    ? $"A role is missing: valid roles are {Valid}."
                    : $"Unknown role '{part}': valid roles are {Valid}.";
                return false;
            }
            parsed |= role;
        }
        roles = new RoleSet(parsed);
        return true;
    }

    public override string ToString() => IsAll ? "all"
        : string.Join(",", new[] { Role.Poll, Role.Worker, Role.Result }.Where(Has).Select(r => r.ToString().ToLowerInvariant()));
}
