using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Connectors.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connectors.Protection;

/// <summary>DataProtection__* settings: where the key ring's key-encryption key lives (Azure); unset, the ring is not wrapped (Azurite).</summary>
public sealed class ProtectionOptions
{
    public const string Section = "DataProtection";
    public const string ContainerName = "data-protection";
    public const string RingBlobName = "keys.xml";

    /// <summary>The Key Vault holding the KEK, e.g. https://kv-connectors.vault.azure.net/.</summary>
    public string? KeyVaultUri { get; set; }
    /// <summary>The Key Vault secret that is the KEK (created on first use when absent).</summary>
    public string KekSecretName { get; set; } = "connectors-data-protection-kek";
    /// <summary>A user-assigned identity's client id for Key Vault; unset, AzureWebJobsStorage__clientId's.</summary>
    public string? ClientId { get; set; }

    public Uri? Vault => string.IsNullOrWhiteSpace(KeyVaultUri) ? null : new Uri(KeyVaultUri.Trim());

    public string? Problem() =>
        !string.IsNullOrWhiteSpace(KeyVaultUri) && !(Uri.TryCreate(KeyVaultUri.Trim(), UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps)
            ? $"{Section}__KeyVaultUri '{KeyVaultUri}' is not an absolute https URI such as https://kv-connectors.vault.azure.net/."
            : string.IsNullOrWhiteSpace(KekSecretName) ? $"{Section}__KekSecretName must name a Key Vault secret." : null;

    public sealed class Check : IValidateOptions<ProtectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProtectionOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}

public static class ProtectionServices
{
    /// <summary>Data Protection with its key ring in the storage account's data-protection container, wrapped with a Key Vault KEK when one is configured.</summary>
    public static IServiceCollection AddSecretProtection(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<ProtectionOptions>().Bind(config.GetSection(ProtectionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProtectionOptions>, ProtectionOptions.Check>();
        services.AddDataProtection().SetApplicationName("Connectors");
        services.AddOptions<KeyManagementOptions>().Configure<StorageAccount, IServiceProvider>((o, storage, sp) =>
        {
            o.XmlRepository = new BlobXmlRepository(storage.Container(ProtectionOptions.ContainerName), ProtectionOptions.RingBlobName);
            if (sp.GetRequiredService<IOptions<ProtectionOptions>>().Value.Vault is not null)
                o.XmlEncryptor = new KekXmlEncryptor(sp.GetRequiredService<IKeyEncryptionKeys>());
        });
        services.AddSingleton<IKeyEncryptionKeys>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ProtectionOptions>>().Value;
            var vault = o.Vault ?? throw new InvalidOperationException($"The key ring is wrapped with a Key Vault key but {ProtectionOptions.Section}__KeyVaultUri is not set.");
            return new KeyVaultKeyEncryptionKeys(new SecretClient(vault, Credential(config, o)), o.KekSecretName.Trim());
        });
        services.AddSingleton<SecretProtection>();
        return services;
    }

    static TokenCredential Credential(IConfiguration config, ProtectionOptions o) =>
        (o.ClientId ?? config[$"{StorageIdentity.Section}:clientId"]) is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId.Trim()))
            : new DefaultAzureCredential();
}
