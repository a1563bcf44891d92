using System.Globalization;

namespace Voting.Host;

/// <summary>
/// How many arrays of one size the runtime's shared array pool keeps per core. SignalR gives each
/// connection a pipe whose 4 KiB segments it rents from <c>ArrayPool&lt;byte&gt;.Shared</c>; a push to
/// 1,000 viewers holds 1,000 of them at once, and by default the pool keeps 32 a core, so every push
/// allocated most of them afresh and dropped them again (about 3.2 KB a message sent, 4 MB a push:
/// docs/performance.md, "The shared array pool"). The pool keeps only arrays given back, so at
/// most what one burst had out at once (about 4 MiB for 1,000 viewers); the runtime trims arrays
/// left unused when a gen2 collection runs, sooner under memory pressure.
/// The runtime reads the variable from the environment only, once, when the pool is first used:
/// the host sets it at the start of <c>Main</c>, unless the operator has set it.
/// </summary>
internal static class SharedArrayPoolDefaults
{
    public const string Variable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    /// <summary>Twice the viewers a result pod is planned for (1,000), on one core.</summary>
    public const int ArraysPerCore = 2048;

    /// <summary>Sets the variable unless it is set; returns the value the runtime will read.</summary>
    public static string Apply()
    {
        var given = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }
        var value = ArraysPerCore.ToString(CultureInfo.InvariantCulture);
        Environment.SetEnvironmentVariable(Variable, value);
        return value;
    }
}
