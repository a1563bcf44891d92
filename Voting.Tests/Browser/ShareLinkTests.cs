using Microsoft.AspNetCore.Http;
using Voting.Web;

namespace Voting.Tests.Browser;

public sealed class ShareLinkTests
{
    [Theory]
    [InlineData("https://vote.example.org", "https://vote.example.org/polls/abc")]
    [InlineData("https://vote.example.org/", "https://vote.example.org/polls/abc")]
    [InlineData(null, "http://result.internal:8080/polls/abc")]
    [InlineData("  ", "http://result.internal:8080/polls/abc")]
    public void A_vote_link_uses_the_public_url_and_falls_back_to_the_request_host(string? publicUrl, string expected)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("result.internal", 8080);
        Assert.Equal(expected, ShareLink.VoteUrl(publicUrl, http.Request, "abc"));
    }

    [Fact]
    public void A_QR_code_is_an_inline_PNG_the_CSP_allows()
    {
        var uri = ShareLink.QrDataUri("https://vote.example.org/polls/abc");
        Assert.StartsWith("data:image/png;base64,", uri, StringComparison.Ordinal);
        Assert.Equal(0x89, Convert.FromBase64String(uri["data:image/png;base64,".Length..])[0]);
    }
}
