using Connectors.Tests.Fixtures;
using Connectors.Protection;

namespace Connectors.Tests.Hosting;

/// <summary>infra/: the Key Vault that holds the key ring's KEK, the identity's role on it, and the app settings that point the code at it.</summary>
public sealed class AzureInfraKeyVaultTests
{
    static string Read(string relative) => File.ReadAllText(Path.Combine(Repository.Root, relative));

    [Fact]
    public void The_key_ring_is_wrapped_with_a_key_vault_secret_the_identity_may_read_and_create()
    {
        var vault = Read("infra/app/keyvault.bicep");
        Assert.Contains("enableRbacAuthorization: true", vault);
        Assert.Contains("enableSoftDelete: true", vault);
        Assert.Contains("'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'", vault); // Key Vault Secrets Officer: get and set secrets
        Assert.Contains("scope: vault", vault);

        var main = Read("infra/main.bicep");
        Assert.Contains("module keyVault 'app/keyvault.bicep'", main);
        Assert.Contains("identityPrincipalId: identity.outputs.principalId", main);
        Assert.Contains($"{ProtectionOptions.Section}__KeyVaultUri: keyVault.outputs.uri", main);
        Assert.Contains($"{ProtectionOptions.Section}__KekSecretName: '{new ProtectionOptions().KekSecretName}'", main);
        Assert.Contains($"'{ProtectionOptions.ContainerName}'", Read("infra/app/storage.bicep"));
    }
}
