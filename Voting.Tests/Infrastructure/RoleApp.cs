using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Voting.Host;

namespace Voting.Tests.Infrastructure;

/// <summary>
/// A role (or several) hosted in the test process on a real Kestrel port, built through the same
/// <see cref="Roles.Build"/> the executable uses.
/// </summary>
internal sealed class RoleApp : IAsyncDisposable
{
    private RoleApp(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>A client without a cookie jar: tests set the cookies they mean to send.</summary>
    public HttpClient Client { get; }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public async Task<RoleApp> WaitUntilReadyAsync()
    {
        await Eventually.WaitAsync(async () => (await Client.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), $"{Address} to be ready");
        return this;
    }

    public static async Task<RoleApp> StartAsync(string roles, Settings settings, IDictionary<string, string?>? extra = null)
    {
        if (!RoleSet.TryParse(roles, out var set, out var error))
        {
            throw new ArgumentException(error);
        }
        var values = settings.ToDictionary();
        values["urls"] = "http://127.0.0.1:0";
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                values[key] = value;
            }
        }
        var app = Roles.Build(set, values);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RoleApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>The settings one test's roles share: its own database and stream keys.</summary>
internal sealed record Settings(string Postgres, string Redis, string StreamKey)
{
    public static async Task<Settings> CreateAsync() =>
        new(await TestEnvironment.CreateDatabaseAsync(), TestEnvironment.Redis, TestEnvironment.UniqueKey("votes"));

    public string DeadLetterKey => StreamKey + ":dead";

    public Dictionary<string, string?> ToDictionary() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["ConnectionStrings:Postgres"] = Postgres,
        ["ConnectionStrings:Redis"] = Redis,
        ["Voting:Queue:StreamKey"] = StreamKey,
        ["Voting:Queue:DeadLetterKey"] = DeadLetterKey,
        ["Voting:AdminToken"] = TestEnvironment.AdminToken,
        ["Voting:DataProtectionKey"] = TestEnvironment.DataProtectionKey,
        ["Voting:CatalogRefreshMilliseconds"] = "200",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>
    /// Environment for roles under a burst from one test client: rate limits off (every vote comes
    /// from loopback), dead consumers' entries claimed after 2 s, and the worker's log at Information.
    /// </summary>
    public Dictionary<string, string> ToLoadEnvironment()
    {
        var env = ToEnvironment();
        env["Voting__RateLimits__PerVoterPerMinute"] = "0";
        env["Voting__RateLimits__PerAddressPerSecond"] = "0";
        env["Voting__RateLimits__NewVotersPerAddressPerMinute"] = "0";
        env["Voting__Worker__ClaimIdleSeconds"] = "2";
        env["Logging__LogLevel__Default"] = "Information";
        return env;
    }

    /// <summary>The same settings as environment variables, for a role started as its own process.</summary>
    public Dictionary<string, string> ToEnvironment() => ToDictionary()
        .Where(p => p.Value is not null)
        .ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value!);
}
