using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Voting.Poll;

/// <summary>
/// The poll role's one secret beyond the admin token (<c>Voting__DataProtectionKey</c>, from the
/// Kubernetes Secret). Two keys are derived from it: one encrypts the Data Protection key ring where
/// it rests in Redis, one signs voter ids. Every poll replica must be given the same value.
/// </summary>
internal sealed class DataProtectionSettings : ISettings
{
    public static string SectionName => "Voting";

    public const int MinimumLength = 32;

    /// <summary>
    /// Without it (allowed outside Production only) voter ids are signed with a key everyone can read
    /// in this source, and the key ring is stored in Redis unencrypted, as before issue 9.
    /// </summary>
    private static readonly byte[] DevelopmentSecret = "voting development only: not a secret"u8.ToArray();

    [MinLength(MinimumLength, ErrorMessage = "Voting__DataProtectionKey must be at least 32 characters (e.g. openssl rand -base64 32).")]
    public string? DataProtectionKey { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(DataProtectionKey);

    /// <summary>A 256-bit key for one purpose; different purposes give unrelated keys.</summary>
    public byte[] Derive(string purpose) => HKDF.DeriveKey(
        HashAlgorithmName.SHA256,
        IsConfigured ? Encoding.UTF8.GetBytes(DataProtectionKey!) : DevelopmentSecret,
        outputLength: 32,
        salt: "voting"u8.ToArray(),
        info: Encoding.UTF8.GetBytes(purpose));
}
