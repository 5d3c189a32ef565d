// The Function App on a Flex Consumption plan: .NET 10 isolated worker, package deployed to a blob container,
// AzureWebJobsStorage through the user-assigned identity (accountName + service URIs, credential=managedidentity, clientId).
param name string
param planName string
param location string
param tags object = {}
@description('azd service name in azure.yaml: azd deploys the Functions project to the app tagged with it.')
param serviceName string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param maximumInstanceCount int
param instanceMemoryMB int
param installAdminHostKey bool
@description('The connector\'s own settings (AdminKey, PublicBaseUrl, Books__*, ...).')
@secure()
param appSettings object
@secure()
param adminKey string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Flex Consumption takes the runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not set here.
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(appSettings, {
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  })
}

// The admin routes are AuthorizationLevel.Function: the host accepts any of its host keys, so the AdminKey becomes one.
// Bicep has no type for this resource (Azure/bicep#9355) and the host runtime sometimes refuses it on a first
// deployment (Azure/bicep-types-az#1356), hence off by default; `az functionapp keys set` does the same (docs/azure-deployment.md).
#disable-next-line BCP081
resource adminHostKey 'Microsoft.Web/sites/host/functionKeys@2022-03-01' = if (installAdminHostKey) {
  name: '${functionApp.name}/default/connectors-admin'
  properties: {
    name: 'connectors-admin'
    value: adminKey
  }
  dependsOn: [settings]
}

output name string = functionApp.name
output url string = 'https://${functionApp.properties.defaultHostName}'
