using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Connectors.Storage;

/// <summary>
/// An identity-based AzureWebJobsStorage, read by the same settings the Functions host uses for its own connection:
/// AzureWebJobsStorage__accountName, or __blobServiceUri / __queueServiceUri / __tableServiceUri (each overrides the one
/// derived from the account name); __credential=managedidentity with __clientId or __managedIdentityResourceId for a
/// user-assigned identity; otherwise DefaultAzureCredential (a developer's az/azd/VS login locally, the managed identity in Azure).
/// </summary>
public sealed record StorageIdentity(Uri BlobServiceUri, Uri QueueServiceUri, Uri TableServiceUri, TokenCredential Credential)
{
    public const string Section = "AzureWebJobsStorage";

    /// <summary>The identity settings under AzureWebJobsStorage, or an error naming the setting that is missing or wrong.</summary>
    public static StorageIdentity FromConfiguration(IConfiguration config)
    {
        var section = config.GetSection(Section);
        return new StorageIdentity(ServiceUri(section, "blob"), ServiceUri(section, "queue"), ServiceUri(section, "table"), CredentialFor(section));
    }

    static Uri ServiceUri(IConfigurationSection section, string service)
    {
        var setting = $"{section.Key}__{service}ServiceUri";
        // Tokens are only ever sent over TLS (Azure.Core refuses bearer tokens on http), so an http URI is an error here, not later.
        if (section[$"{service}ServiceUri"] is { Length: > 0 } given)
            return Uri.TryCreate(given.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                ? uri
                : throw new InvalidOperationException($"{setting} must be an absolute https URI such as https://myaccount.{service}.core.windows.net, not '{given}'.");
        var accountName = section["accountName"]?.Trim();
        if (string.IsNullOrEmpty(accountName))
            throw new InvalidOperationException($"Storage is not configured: set {section.Key} (a connection string, or UseDevelopmentStorage=true for Azurite) or {section.Key}__accountName (managed identity), or {setting}.");
        // Storage account names are 3-24 lowercase letters and digits; anything else would build a URI to someone else's host.
        if (accountName.Length is < 3 or > 24 || !accountName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            throw new InvalidOperationException($"{section.Key}__accountName must be a storage account name (3-24 lowercase letters and digits), not '{accountName}'.");
        return new Uri($"https://{accountName}.{service}.core.windows.net");
    }

    static TokenCredential CredentialFor(IConfigurationSection section)
    {
        var clientId = section["clientId"] is { Length: > 0 } c ? c.Trim() : null;
        var resourceId = section["managedIdentityResourceId"] is { Length: > 0 } r ? r.Trim() : null;
        if (clientId is not null && resourceId is not null)
            throw new InvalidOperationException($"Set one of {section.Key}__clientId and {section.Key}__managedIdentityResourceId, not both.");
        var credential = section["credential"]?.Trim();
        if (string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
            return new ManagedIdentityCredential(
                resourceId is not null ? ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(resourceId))
                : clientId is not null ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned);
        if (!string.IsNullOrEmpty(credential))
            throw new InvalidOperationException($"{section.Key}__credential must be 'managedidentity' or unset, not '{credential}'.");
        var options = new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId };
        if (resourceId is not null) options.ManagedIdentityResourceId = new ResourceIdentifier(resourceId);
        return new DefaultAzureCredential(options);
    }
}
