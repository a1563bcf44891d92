using System.Reflection;
using System.Text.RegularExpressions;
using Voting.Host;
using Voting.Tests.Deploy;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Host;

public partial class SettingsTests
{
    [Fact]
    public void Every_property_of_every_settings_class_is_a_setting_key()
    {
        Assert.Contains(typeof(Voting.Queue.QueueSettings), SettingKeys.SettingsClasses);
        Assert.Contains(typeof(HostSettings), SettingKeys.SettingsClasses);
        foreach (var type in SettingKeys.SettingsClasses)
        {
            Assert.EndsWith("Settings", type.Name, StringComparison.Ordinal);
            var keys = SettingKeys.Keys(type).ToList();
            Assert.Equal(type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Count(p => p.CanWrite), keys.Count);
            Assert.All(keys, key => Assert.Contains(key, SettingKeys.All));
        }
    }

    [Fact]
    public void The_keys_manifests_use_are_derived_with_their_exact_names()
    {
        string[] expected =
        [
            "ConnectionStrings__Redis", "ConnectionStrings__Postgres", "Voting__Role", "Voting__AdminToken", "Voting__PublicUrl",
            "Voting__TrustedProxies", "Voting__ForwardedHops", "Voting__DataProtectionKey", "Voting__RateLimits__PerVoterPerMinute",
            "Voting__RateLimits__PerAddressPerSecond", "Voting__RateLimits__NewVotersPerAddressPerMinute", "Voting__CatalogRefreshMilliseconds",
            "Voting__ShutdownTimeoutSeconds", "Voting__Queue__StreamKey", "Voting__Queue__DeadLetterKey", "Voting__Queue__Group",
            "Voting__Queue__AddTimeoutMilliseconds", "Voting__Worker__BatchSize", "Voting__Worker__ClaimIdleSeconds",
            "Voting__Worker__MaxIdleDelayMilliseconds", "Voting__Worker__RemoveIdleConsumersAfterSeconds",
            "Voting__Result__PushIntervalMilliseconds", "Voting__Moderation__BlockedWords", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), SettingKeys.All.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_setting_is_read_by_hand_from_configuration()
    {
        var offenders = new[] { "Voting.Modules", "Voting.Host" }
            .SelectMany(project => Directory.EnumerateFiles(DeployRepo.PathOf(project), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            // Not a setting of ours: the runtime's own variable, set at the start of Main, before
            // any configuration exists, unless the operator has set it.
            .Where(file => Path.GetFileName(file) != "SharedArrayPoolDefaults.cs")
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(l => HandRead().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(DeployRepo.Root, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "bind a settings class instead (SettingsBinder):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task A_bad_setting_stops_role_all_in_one_line_before_it_migrates()
    {
        var database = await TestEnvironment.CreateDatabaseAsync(migrate: false);
        var env = new Settings(database, TestEnvironment.Redis, TestEnvironment.UniqueKey("votes")).ToEnvironment();
        env["Voting__Worker__BatchSize"] = "0";
        var (code, output) = await AppProcess.RunAsync(["--role", "all"], env, TimeSpan.FromSeconds(30));
        Assert.Equal(1, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("voting: invalid setting", line, StringComparison.Ordinal);
        Assert.Contains("Voting__Worker__BatchSize: The field BatchSize must be between 1 and 10000.", line, StringComparison.Ordinal);

        await using var data = Voting.Storage.StorageModule.CreateDataSource(database);
        await using var tables = data.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_not_an_address_stops_the_start_in_one_line()
    {
        var env = (await Settings.CreateAsync()).ToEnvironment();
        env["Voting__TrustedProxies"] = "10.0.0.0/8,traefik";
        var (code, output) = await AppProcess.RunAsync(["--role", "result"], env, TimeSpan.FromSeconds(30));
        Assert.Equal(1, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Voting__TrustedProxies: 'traefik'", line, StringComparison.Ordinal);
    }

    // configuration["x"], configuration.GetValue/GetSection/GetConnectionString, section.Get<T>()
    [GeneratedRegex(@"[Cc]onfiguration\s*\[|[Cc]onfiguration\s*\.\s*Get(Value|Section|ConnectionString)\b|\.GetSection\(|\.Get<\w+>\(|Environment\.GetEnvironmentVariable\(")]
    private static partial Regex HandRead();
}
