using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Result;

/// <summary>What an anonymous client can make a result process do stays bounded: queries, log lines, connections.</summary>
public sealed class ResultAbuseTests
{
    [Fact]
    public async Task A_flood_of_subscribes_to_made_up_polls_costs_few_queries_no_error_logs_and_the_connection()
    {
        var settings = await Settings.CreateAsync();
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, new NpgsqlConnectionStringBuilder(settings.Postgres).Port));
        var env = settings.ToEnvironment();
        env["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(settings.Postgres) { Port = proxy.Port }.ConnectionString;
        await using var result = AppProcess.Start(["--role", "result"], env);
        await result.WaitUntilReadyAsync();

        // 30 connections, each calling Subscribe with made-up ids as fast as it can, 40 times.
        var bytesBefore = proxy.BytesToServer;
        var outputBefore = result.Output.Length;
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async c =>
        {
            await using var hub = new HubConnectionBuilder().WithUrl(new Uri(result.Address, "/hubs/results")).Build();
            await hub.StartAsync();
            var refused = new List<string>();
            for (var i = 0; i < 40 && hub.State == HubConnectionState.Connected; i++)
            {
                try
                {
                    await hub.InvokeAsync("Subscribe", $"made-up-{c}-{i}");
                    refused.Add("subscribed");
                }
                catch (HubException e)
                {
                    refused.Add(e.Message);
                }
                catch (Exception e) when (e is IOException or TaskCanceledException or InvalidOperationException)
                {
                    refused.Add("closed");
                }
            }
            return (Answers: refused, Closed: hub.State != HubConnectionState.Connected);
        }));

        var all = answers.SelectMany(a => a.Answers).ToList();
        Assert.DoesNotContain("subscribed", all);
        Assert.Contains(all, a => a.Contains("no such poll", StringComparison.Ordinal));
        Assert.Contains(all, a => a.Contains("Too many calls", StringComparison.Ordinal));
        // Every connection went past its allowance and was closed before its 40th call.
        Assert.All(answers, a => Assert.True(a.Closed, $"a connection stayed open after {a.Answers.Count} calls"));
        // At most the lookup budget went to PostgreSQL: a lookup is ~150 bytes on the wire; 30 × 40 would be ~180 KB.
        var sent = proxy.BytesToServer - bytesBefore;
        Assert.True(sent < 40_000, $"{sent} bytes of queries for {all.Count} calls with made-up ids");
        // Client mistakes are not errors: nothing at Error, and little log at all.
        var log = result.Output[outputBefore..];
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", log, StringComparison.Ordinal);
        Assert.True(log.Length < 5_000, $"{log.Length} bytes of log for {all.Count} refused calls");
    }

    [Fact]
    public async Task Readers_flooding_the_results_api_hold_at_most_the_roles_pool_of_connections()
    {
        var settings = await Settings.CreateAsync();
        await using var result = AppProcess.Start(["--role", "result"], settings.ToEnvironment());
        await result.WaitUntilReadyAsync();
        await using var data = NpgsqlDataSource.Create(settings.Postgres);
        var poll = new Voting.Storage.PollDefinition("flood", "Q?", [new("a", "A"), new("b", "B")], false, DateTimeOffset.UtcNow);
        Assert.True(await new Voting.Storage.PollStore(data).CreateAsync(poll, CancellationToken.None));

        using var stop = new CancellationTokenSource();
        var most = 0L;
        var watching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var count = data.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'voting'");
                most = Math.Max(most, (long)(await count.ExecuteScalarAsync())!);
            }
        });
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        using var client = new HttpClient(handler) { BaseAddress = result.Address };
        var statuses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            var codes = new List<HttpStatusCode>();
            for (var i = 0; i < 40; i++)
            {
                using var response = await client.GetAsync("/api/results/flood");
                codes.Add(response.StatusCode);
            }
            return codes;
        }));
        await stop.CancelAsync();
        await watching;

        Assert.All(statuses.SelectMany(s => s), s => Assert.Equal(HttpStatusCode.OK, s));
        // The result role's pool is 8, plus its LISTEN connection.
        Assert.InRange(most, 1, 9);
    }
}
