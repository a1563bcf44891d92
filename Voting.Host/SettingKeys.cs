namespace Voting.Host;

/// <summary>
/// Every setting the app reads, in the environment-variable form operators write in manifests.
/// The deployment checks compare the manifests against this list.
/// </summary>
public static class SettingKeys
{
    public static IReadOnlyList<string> All { get; } =
    [
        "ConnectionStrings__Redis",
        "ConnectionStrings__Postgres",
        "Voting__Role",
        "Voting__AdminToken",
        "Voting__PublicUrl",
        "Voting__TrustedProxies",
        "Voting__ForwardedHops",
        "Voting__DataProtectionKey",
        "Voting__RateLimits__PerVoterPerMinute",
        "Voting__RateLimits__PerAddressPerSecond",
        "Voting__RateLimits__NewVotersPerAddressPerMinute",
        "Voting__CatalogRefreshMilliseconds",
        "Voting__ShutdownTimeoutSeconds",
        "Voting__Queue__StreamKey",
        "Voting__Queue__DeadLetterKey",
        "Voting__Queue__Group",
        "Voting__Queue__AddTimeoutMilliseconds",
        "Voting__Worker__BatchSize",
        "Voting__Worker__ClaimIdleSeconds",
        "Voting__Worker__MaxIdleDelayMilliseconds",
        "Voting__Worker__RemoveIdleConsumersAfterSeconds",
        "Voting__Result__PushIntervalMilliseconds",
        "ASPNETCORE_URLS",
        "ASPNETCORE_HTTP_PORTS",
        "ASPNETCORE_ENVIRONMENT",
        "DOTNET_ENVIRONMENT",
    ];
}
