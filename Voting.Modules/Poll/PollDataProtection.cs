using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Voting.Poll;

/// <summary>
/// Antiforgery tokens, admin sessions and voter ids must verify on every poll replica and survive
/// restarts: the Data Protection key ring lives in Redis (which every poll process already uses),
/// encrypted there under <c>Voting__DataProtectionKey</c>, and voter ids are signed with a key derived
/// from the same setting.
/// </summary>
internal static class PollDataProtection
{
    public const string RedisKey = "voting:data-protection-keys";

    public static IServiceCollection AddPollDataProtection(this IServiceCollection services)
    {
        services.AddSettings<DataProtectionSettings>();
        services.AddSingleton<IValidateOptions<DataProtectionSettings>, DataProtectionKeyInProduction>();
        services.AddSingleton<VoterSigner>();
        services.AddDataProtection().SetApplicationName("voting");
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer, IOptions<DataProtectionSettings>>((options, redis, settings) =>
        {
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), RedisKey);
            if (settings.Value.IsConfigured)
            {
                options.XmlEncryptor = new KeyRingEncryptor(settings.Value.Derive(KeyRingEncryptor.Purpose));
            }
        });
        return services;
    }
}

/// <summary>
/// Refused rather than warned about: without the key, anyone who reads Redis can forge an admin
/// session, and voter ids are signed with a key published in this source.
/// </summary>
internal sealed class DataProtectionKeyInProduction(IHostEnvironment environment) : IValidateOptions<DataProtectionSettings>
{
    public ValidateOptionsResult Validate(string? name, DataProtectionSettings options) =>
        environment.IsProduction() && !options.IsConfigured
            ? ValidateOptionsResult.Fail($"a secret of at least {DataProtectionSettings.MinimumLength} characters is required in Production to encrypt Data Protection keys and sign voter ids: set Voting__DataProtectionKey (e.g. openssl rand -base64 32)")
            : ValidateOptionsResult.Success;
}
