using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Voting.Storage;

namespace Voting.Tests.Infrastructure;

/// <summary>Small helpers for talking to the HTTP API the way a client would.</summary>
internal static class Api
{
    public static async Task<PollDefinition> CreatePollAsync(HttpClient client, string question, params string[] options)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/polls")
        {
            Content = JsonContent.Create(new { question, options }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PollDefinition>())!;
    }

    /// <summary>Casts a vote as the voter whose cookie value is given (or none); returns the response.</summary>
    public static async Task<HttpResponseMessage> VoteAsync(HttpClient client, string pollId, string optionId, string? voterCookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{pollId}/votes")
        {
            Content = new StringContent($$"""{"optionId":"{{optionId}}"}""", Encoding.UTF8, "application/json"),
        };
        if (voterCookie is not null)
        {
            request.Headers.Add("Cookie", $"voter={voterCookie}");
        }
        return await client.SendAsync(request);
    }

    public static async Task<PollResults> ResultsAsync(HttpClient client, string pollId) =>
        (await client.GetFromJsonAsync<PollResults>($"/api/results/{pollId}"))!;

    private static readonly Voting.Poll.VoterSigner Signer = new(Microsoft.Extensions.Options.Options.Create(
        new Voting.Poll.DataProtectionSettings { DataProtectionKey = TestEnvironment.DataProtectionKey }));

    /// <summary>A voter cookie value signed as the test apps sign them: a voter who has voted before.</summary>
    public static string NewVoter() => Signer.Format(Guid.NewGuid());

    /// <summary>The voter id in a response's Set-Cookie, if it set one.</summary>
    public static string? IssuedVoter(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).Where(c => c.StartsWith("voter=", StringComparison.Ordinal)).Select(c => c["voter=".Length..]).FirstOrDefault()
            : null;
}
