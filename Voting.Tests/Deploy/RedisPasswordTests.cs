using System.Text.RegularExpressions;
using k8s.Models;
using StackExchange.Redis;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Deploy;

/// <summary>
/// Redis runs with passwords everywhere: the suite's own Redis (as
/// scripts/services.sh starts it for run.sh and test.sh), the cluster's and compose's, with the
/// same ACL rule; the app connects as a user that may not wipe or reconfigure it.
/// </summary>
public sealed partial class RedisPasswordTests
{
    private static string AppRules()
    {
        var services = File.ReadAllText(DeployRepo.PathOf("scripts/services.sh"));
        return AppRulesRegex().Match(services) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("scripts/services.sh has no REDIS_APP_RULES");
    }

    [GeneratedRegex(@"(?m)^REDIS_APP_RULES='([^']+)'$")]
    private static partial Regex AppRulesRegex();

    [Fact]
    public async Task The_suites_Redis_refuses_a_client_without_the_password()
    {
        Assert.Contains(",user=voting,password=", TestEnvironment.Redis, StringComparison.Ordinal);
        var bare = TestEnvironment.Redis.Split(',')[0];
        var options = ConfigurationOptions.Parse(bare);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        await using var anonymous = await ConnectionMultiplexer.ConnectAsync(options);
        var error = await Assert.ThrowsAnyAsync<RedisException>(() => anonymous.GetDatabase().StreamAddAsync(TestEnvironment.UniqueKey("anonymous"), "f", "v"));
        Assert.Matches("NOAUTH|Authentication|No connection", error.Message);
    }

    [Fact]
    public async Task The_app_user_writes_streams_but_may_not_flush_or_reconfigure_Redis()
    {
        // allowAdmin: the client library itself would refuse these commands; the server must.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis + ",allowAdmin=true");
        var db = redis.GetDatabase();
        var key = TestEnvironment.UniqueKey("acl");
        Assert.False((await db.StreamAddAsync(key, "f", "v")).IsNull);
        Assert.Equal("voting", (await db.ExecuteAsync("ACL", "WHOAMI")).ToString());
        foreach (var command in new[] { new object[] { "FLUSHALL" }, ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"], ["SHUTDOWN", "NOSAVE"], ["KEYS", "*"] })
        {
            var denied = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync((string)command[0], command[1..]));
            Assert.StartsWith("NOPERM", denied.Message, StringComparison.Ordinal);
        }

        await db.KeyDeleteAsync(key);
    }

    [Theory]
    [MemberData(nameof(CrossReferenceTests.AppOverlays), MemberType = typeof(CrossReferenceTests))]
    public void The_clusters_Redis_has_the_same_users_and_the_roles_connect_as_the_app_user(string dir)
    {
        var o = RenderedOverlay.Load(dir);
        var redis = o.Get<V1StatefulSet>("redis").Spec.Template.Spec.Containers.Single();
        var script = string.Join('\n', redis.Args);
        Assert.Contains("requirepass ${REDISCLI_AUTH}", script, StringComparison.Ordinal);
        Assert.Contains($"user voting on >${{REDIS_PASSWORD}} {AppRules()}", script, StringComparison.Ordinal);
        // The passwords reach redis-server on standard input, never as arguments.
        Assert.Contains("redis-server -", script, StringComparison.Ordinal);
        Assert.DoesNotContain("--requirepass", script, StringComparison.Ordinal);
        var env = o.ResolveEnvironment("voting", redis).ToDictionary(e => e.Name, e => e.Value);
        Assert.NotEqual(env["REDISCLI_AUTH"], env["REDIS_PASSWORD"]);
        Assert.True(env["REDIS_PASSWORD"].Length >= 32);

        foreach (var role in new[] { "poll", "worker" })
        {
            var c = o.Get<V1Deployment>(role).Spec.Template.Spec.Containers.Single();
            var connection = o.ResolveEnvironment("voting", c).Single(e => e.Name == "ConnectionStrings__Redis").Value;
            var options = ConfigurationOptions.Parse(connection);
            Assert.Equal("voting", options.User);
            Assert.Equal(env["REDIS_PASSWORD"], options.Password);
        }
    }
}
