using Microsoft.AspNetCore.Http;
using QRCoder;

namespace Voting.Web;

/// <summary>
/// The address of a vote page as an audience reaches it, and its QR code. In a cluster the vote and
/// results pages may live on different hosts, so <c>Voting:PublicUrl</c> wins over the request's own.
/// </summary>
internal static class ShareLink
{
    public static string VoteUrl(string? publicUrl, HttpRequest request, string pollId)
    {
        var origin = string.IsNullOrWhiteSpace(publicUrl) ? $"{request.Scheme}://{request.Host}" : publicUrl.Trim().TrimEnd('/');
        return $"{origin}/polls/{Uri.EscapeDataString(pollId)}";
    }

    /// <summary>An event's audience page: one address (and QR code) for the whole session.</summary>
    public static string JoinUrl(string? publicUrl, HttpRequest request, string code)
    {
        var origin = string.IsNullOrWhiteSpace(publicUrl) ? $"{request.Scheme}://{request.Host}" : publicUrl.Trim().TrimEnd('/');
        return $"{origin}/e/{Uri.EscapeDataString(code)}";
    }

    /// <summary>A PNG as a data: URI (the CSP allows <c>img-src data:</c>), so no extra request or route.</summary>
    public static string QrDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(8, drawQuietZones: true);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
