// The Key Vault holding the key-encryption key (KEK) that wraps the Data Protection key ring (Functions/Protection):
// the ring sits in the storage account's data-protection container, so a copy of the account alone decrypts no
// connection secret. The KEK is a Key Vault *secret* (Azure.Security.KeyVault.Secrets; the Keys client is not
// served to this project): the app creates it on first start and reads its versions, hence Key Vault Secrets Officer
// on this vault only. RBAC authorization; soft delete keeps a deleted KEK recoverable for 90 days (a lost KEK makes
// every stored connection secret unreadable). Purge protection is left off so `azd down --purge` and a new `azd up`
// under the same environment name work; turn it on for a long-lived production vault.
param name string
param location string
param tags object = {}
param identityPrincipalId string

var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource appSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityPrincipalId, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
