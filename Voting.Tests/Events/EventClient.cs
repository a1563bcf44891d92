using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Events;

/// <summary>The event API and hub as a client uses them, for the event tests.</summary>
internal static class EventClient
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? json, bool admin = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (admin)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        }
        return await client.SendAsync(request);
    }

    /// <summary>Creates an event; returns its id and code.</summary>
    public static async Task<(string Id, string Code)> CreateAsync(HttpClient client, string title)
    {
        using var response = await PostAsync(client, "/api/events", JsonSerializer.Serialize(new { title }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(title, body.GetProperty("title").GetString());
        return (body.GetProperty("id").GetString()!, body.GetProperty("code").GetString()!);
    }

    /// <summary>Creates a poll in the event from a JSON body without <c>eventId</c>; returns its id.</summary>
    public static async Task<string> AddPollAsync(HttpClient client, string eventId, string pollJson)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(pollJson)!;
        body["eventId"] = JsonSerializer.SerializeToElement(eventId);
        using var response = await PostAsync(client, "/api/polls", JsonSerializer.Serialize(body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var poll = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(eventId, poll.GetProperty("eventId").GetString());
        return poll.GetProperty("id").GetString()!;
    }

    public static async Task<HttpStatusCode> SetLiveAsync(HttpClient client, string eventId, string? pollId)
    {
        using var response = await PostAsync(client, $"/api/events/{eventId}/live", JsonSerializer.Serialize(new { pollId }));
        return response.StatusCode;
    }

    /// <summary>A hub connection following an event (<c>SubscribeEvent</c>, or <c>FollowEvent</c> without results).</summary>
    public static async Task<Follower> FollowAsync(Uri resultAddress, string code, bool withResults = true)
    {
        var follower = new Follower(new HubConnectionBuilder().WithUrl(new Uri(resultAddress, "/hubs/results")).Build());
        await follower.Hub.StartAsync();
        await follower.Hub.InvokeAsync(withResults ? "SubscribeEvent" : "FollowEvent", code);
        return follower;
    }

    internal sealed class Follower : IAsyncDisposable
    {
        public Follower(HubConnection hub)
        {
            Hub = hub;
            hub.On<JsonElement>("event", e => Events.Enqueue(e));
            hub.On<JsonElement>("results", r => Results.Enqueue(r));
        }

        public HubConnection Hub { get; }

        public ConcurrentQueue<JsonElement> Events { get; } = new();

        public ConcurrentQueue<JsonElement> Results { get; } = new();

        public static string? Live(JsonElement message) => message.GetProperty("livePollId").GetString();

        /// <summary>Waits for an event message showing <paramref name="pollId"/> (null: the waiting screen).</summary>
        public Task<JsonElement> WaitForLiveAsync(string? pollId, TimeSpan? timeout = null) =>
            Eventually.WaitAsync(() => Task.FromResult(Events.LastOrDefault()), e => e.ValueKind == JsonValueKind.Object && Live(e) == pollId,
                timeout ?? TimeSpan.FromSeconds(5), $"an event message with livePollId {pollId ?? "null"}");

        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }
}
