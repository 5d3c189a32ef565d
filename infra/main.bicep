// The connectors on Azure Functions (Flex Consumption, .NET 10 isolated worker), with `azd up`:
// storage reached only through a user-assigned managed identity (no account keys anywhere), Application Insights
// on Log Analytics. The resource group and every name derive from the azd environment name.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; every resource name derives from it.')
param environmentName string

@minLength(1)
@description('Region for everything; it must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({ azd: { type: 'location' } })
param location string

@secure()
@minLength(16)
@description('The admin key: x-functions-key (or ?code=) for /api/manage/*; set as the AdminKey app setting, and as a host key when installAdminHostKey is true.')
param adminKey string

@description('Install adminKey as the Function App host key "connectors-admin" during provisioning (else: az functionapp keys set, see README).')
param installAdminHostKey bool = false

@description('Base of the delivery URLs handed out (e.g. a custom domain); empty: the Function App\'s own https://<name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('The books: tax regime, home state code, currency, first month of the financial year, book name, IANA time zone (empty: dates as the sources write them).')
param books object = {
  TaxRegime: 'gst'
  HomeState: '29'
  Currency: 'INR'
  FinancialYearStartMonth: '4'
  Book: 'main'
  TimeZone: ''
  RoundOffLimit: '1.00'
}

@description('Object id of a developer to grant the same storage roles (to run locally against this account); empty: none.')
param principalId string = ''

@description('Most instances the Flex Consumption plan may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-connectors-${token}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${token}'
    applicationInsightsName: 'appi-${token}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${token}'
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${take(token, 21)}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module functions 'app/functions.bicep' = {
  name: 'functions'
  scope: rg
  params: {
    name: 'func-connectors-${token}'
    planName: 'plan-${token}'
    location: location
    tags: tags
    serviceName: 'functions'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    installAdminHostKey: installAdminHostKey
    appSettings: {
      AdminKey: adminKey
      PublicBaseUrl: publicBaseUrl
      RotationGrace: '1.00:00:00'
      SignatureTolerance: '00:05:00'
      DataProtection__KeyVaultUri: keyVault.outputs.uri
      DataProtection__KekSecretName: 'connectors-data-protection-kek'
      Books__TaxRegime: books.TaxRegime
      Books__HomeState: books.HomeState
      Books__Currency: books.Currency
      Books__FinancialYearStartMonth: books.FinancialYearStartMonth
      Books__Book: books.Book
      Books__TimeZone: books.?TimeZone ?? ''
      Books__RoundOffLimit: books.?RoundOffLimit ?? '1.00'
    }
    adminKey: adminKey
  }
  // The host reads its storage through the identity from its first start: the roles must exist before it does.
  dependsOn: [rbac, keyVault]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = functions.outputs.name
output SERVICE_FUNCTIONS_NAME string = functions.outputs.name
output FUNCTIONS_URL string = functions.outputs.url
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
