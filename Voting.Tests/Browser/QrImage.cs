using System.Buffers.Binary;
using System.IO.Compression;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace Voting.Tests.Browser;

/// <summary>Reads the QR code in a screenshot: a small PNG decoder (what Chromium writes) and ZXing.</summary>
internal static class QrImage
{
    /// <summary>
    /// Screenshots a QR image once the browser has decoded it and painted a frame since (a decoded
    /// image is not yet a painted one), and reads it. The one failure this wait was once thought to
    /// explain was the reader's: <see cref="Decode(byte[])"/> says why.
    /// </summary>
    public static async Task<string?> ReadAsync(Microsoft.Playwright.ILocator image)
    {
        await image.ScrollIntoViewIfNeededAsync();
        await image.EvaluateAsync("img => img.decode().then(() => new Promise(painted => requestAnimationFrame(() => requestAnimationFrame(painted))))");
        return Decode(await image.ScreenshotAsync());
    }

    /// <summary>
    /// The text of the QR code in a picture, or null. A code scaled by a fraction (a page draws it at
    /// 192 px, say, where its 37 modules would want 185 or 222) has modules of two widths, and ZXing
    /// misread about one such code in fifty (seen here on random vote URLs, never on whole-pixel
    /// scales). So when ZXing cannot read the picture as it is, the code is sampled again at each
    /// module's centre for every size a QR code can have, and each grid is given to ZXing drawn
    /// crisp; its error correction refuses a grid of the wrong size.
    /// </summary>
    public static string? Decode(byte[] png)
    {
        var (width, height, rgba) = DecodePng(png);
        return Decode(rgba, width, height);
    }

    /// <summary>As <see cref="Decode(byte[])"/>, from RGBA pixels.</summary>
    public static string? Decode(byte[] rgba, int width, int height) => ReadAsIs(rgba, width, height) ?? Regridded(rgba, width, height);

    /// <summary>What ZXing alone reads in the pixels.</summary>
    public static string? ReadAsIs(byte[] rgba, int width, int height)
    {
        var source = new RGBLuminanceSource(rgba, width, height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true };
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints)?.Text;
    }

    private static string? Regridded(byte[] rgba, int width, int height)
    {
        bool Dark(double x, double y) => rgba[((int)y * width + (int)x) * 4] < 128;
        int left = width, top = height, right = -1, bottom = -1;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (Dark(x, y))
                {
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
                }
            }
        }
        const int Pixels = 4, Quiet = 4;
        for (var version = 1; version <= 40 && right >= 0; version++)
        {
            var modules = 17 + 4 * version;
            double across = (right - left + 1.0) / modules, down = (bottom - top + 1.0) / modules;
            if (across < 1.5 || down < 1.5)
            {
                break;
            }
            var side = (modules + 2 * Quiet) * Pixels;
            var crisp = new byte[side * side * 4];
            Array.Fill(crisp, (byte)255);
            for (var row = 0; row < modules; row++)
            {
                for (var column = 0; column < modules; column++)
                {
                    if (!Dark(left + (column + 0.5) * across, top + (row + 0.5) * down))
                    {
                        continue;
                    }
                    for (var y = 0; y < Pixels; y++)
                    {
                        var at = (((row + Quiet) * Pixels + y) * side + (column + Quiet) * Pixels) * 4;
                        for (var x = 0; x < Pixels * 4; x += 4)
                        {
                            (crisp[at + x], crisp[at + x + 1], crisp[at + x + 2]) = ((byte)0, (byte)0, (byte)0);
                        }
                    }
                }
            }
            if (ReadAsIs(crisp, side, side) is { } text)
            {
                return text;
            }
        }
        return null;
    }

    /// <summary>8-bit, non-interlaced greyscale, RGB or RGBA PNGs, as RGBA.</summary>
    public static (int Width, int Height, byte[] Rgba) DecodePng(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.AsSpan(0, 8).SequenceEqual(signature))
        {
            throw new InvalidDataException("Not a PNG.");
        }
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    var (bitDepth, colorType, interlace) = (data[8], data[9], data[12]);
                    channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
                    if (bitDepth != 8 || channels == 0 || interlace != 0)
                    {
                        throw new NotSupportedException($"PNG bit depth {bitDepth}, colour type {colorType}, interlace {interlace}.");
                    }
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }
        var raw = inflated.ToArray();
        var stride = width * channels;
        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> above = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? row[i - channels] : 0, b = above[i], c = i >= channels ? above[i - channels] : 0;
                row[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter}."),
                });
            }
        }
        var rgba = new byte[width * height * 4];
        for (var p = 0; p < width * height; p++)
        {
            var s = pixels.AsSpan(p * channels, channels);
            var (r, g, bl, al) = channels switch
            {
                1 => (s[0], s[0], s[0], (byte)255),
                2 => (s[0], s[0], s[0], s[1]),
                3 => (s[0], s[1], s[2], (byte)255),
                _ => (s[0], s[1], s[2], s[3]),
            };
            (rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2], rgba[p * 4 + 3]) = (r, g, bl, al);
        }
        return (width, height, rgba);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
