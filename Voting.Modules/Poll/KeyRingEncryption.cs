using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Voting.Poll;

/// <summary>
/// Encrypts each Data Protection key before it is written to Redis, with AES-256-GCM under a key
/// derived from <c>Voting__DataProtectionKey</c>. Someone who can read Redis (a backup, a debug
/// session, a compromised neighbour pod) then cannot forge admin sessions or antiforgery tokens.
/// </summary>
internal sealed class KeyRingEncryptor(byte[] key) : IXmlEncryptor
{
    public const string Purpose = "data-protection-key-ring-v1";

    internal const string ElementName = "votingEncryptedKey";

    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagBytes))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceBytes, plaintext.Length), sealedBytes.AsSpan(NonceBytes + plaintext.Length), Aad);
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName, new XComment(" AES-256-GCM under a key derived from Voting__DataProtectionKey "), Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }

    internal static ReadOnlySpan<byte> Aad => "voting data protection key v1"u8;

    internal static XElement Decrypt(byte[] key, XElement encryptedElement)
    {
        var sealedBytes = Convert.FromBase64String(encryptedElement.Value.Trim());
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The encrypted Data Protection key is truncated.");
        }
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var plaintext = new byte[length];
        using (var aes = new AesGcm(key, TagBytes))
        {
            // Throws AuthenticationTagMismatchException when Voting__DataProtectionKey is not the one it was written with.
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plaintext, Aad);
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>
/// Data Protection creates decryptors by type name with a constructor taking the service provider,
/// so this one finds the key the same way the encryptor was given it.
/// </summary>
internal sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly byte[] _key = services.GetRequiredService<IOptions<DataProtectionSettings>>().Value is { IsConfigured: true } settings
        ? settings.Derive(KeyRingEncryptor.Purpose)
        : throw new CryptographicException("The Data Protection key ring in Redis is encrypted, but Voting__DataProtectionKey is not set.");

    public XElement Decrypt(XElement encryptedElement) => KeyRingEncryptor.Decrypt(_key, encryptedElement);
}
