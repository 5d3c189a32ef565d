// The one storage account: the Functions host's own state, the app's deployment package, and the connector's
// queues, tables and containers. Shared-key access is off: everything authenticates with Entra ID.
// The app also creates its tables, queues and containers on start (StorageAccount.EnsureCreatedAsync), so a table
// added in code works before it is listed here; list it anyway so the account is complete from the start.
param name string
param location string
param tags object = {}

// Functions/Hosting/Routes.cs QueueNames
var queueNames = ['connector-events', 'connector-events-poison']
// Functions/Storage/StorageAccount.cs TableNames.All
var tableNames = ['Connections', 'ConnectionKeys', 'Receipts', 'Activity', 'Vouchers', 'Orders', 'Items', 'SkuMaps', 'Customers', 'CustomerVouchers', 'RawDeliveries', 'Outbox', 'Audit']
// Functions/Storage/StorageAccount.cs ContainerNames.All, and where Flex Consumption keeps the deployed package
var deploymentContainerName = 'app-package'
var containerNames = ['raw-deliveries', 'event-claims', 'data-protection', deploymentContainerName]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    dnsEndpointType: 'Standard'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in containerNames: {
  parent: blobService
  name: container
  properties: { publicAccess: 'None' }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in queueNames: {
  parent: queueService
  name: queue
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tableNames: {
  parent: tableService
  name: table
}]

output name string = storage.name
output deploymentContainerName string = deploymentContainerName
