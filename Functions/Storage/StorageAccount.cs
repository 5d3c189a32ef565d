using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Connectors.Storage;

/// <summary>
/// The one storage account the connector uses, from AzureWebJobsStorage: a connection string (Azurite's
/// "UseDevelopmentStorage=true" included) or, in Azure, AzureWebJobsStorage__accountName with a managed identity.
/// The SDK clients are created once and shared.
/// </summary>
public sealed class StorageAccount
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }
    public BlobServiceClient Blobs { get; }
    /// <summary>What this process has asked of the account so far (GET /api/manage/storage-requests).</summary>
    public StorageRequests Requests { get; }

    StorageAccount(TableServiceClient tables, QueueServiceClient queues, BlobServiceClient blobs, StorageRequests requests) => (Tables, Queues, Blobs, Requests) = (tables, queues, blobs, requests);

    public static StorageAccount FromConfiguration(IConfiguration config, QueueMessageEncoding encoding = QueueMessageEncoding.Base64)
    {
        var connectionString = config["AzureWebJobsStorage"];
        if (!string.IsNullOrWhiteSpace(connectionString)) return FromConnectionString(connectionString, encoding);
        return FromIdentity(StorageIdentity.FromConfiguration(config), encoding);
    }

    public static StorageAccount FromIdentity(StorageIdentity identity, QueueMessageEncoding encoding = QueueMessageEncoding.Base64)
    {
        var requests = new StorageRequests();
        return new(
            new TableServiceClient(identity.TableServiceUri, identity.Credential, Counted(Quick(new TableClientOptions()), requests, "table")),
            new QueueServiceClient(identity.QueueServiceUri, identity.Credential, Counted(QueueOptions(encoding), requests, "queue")),
            new BlobServiceClient(identity.BlobServiceUri, identity.Credential, Counted(Quick(new BlobClientOptions()), requests, "blob")),
            requests);
    }

    public static StorageAccount FromConnectionString(string connectionString, QueueMessageEncoding encoding = QueueMessageEncoding.Base64)
    {
        var requests = new StorageRequests();
        return new(
            new TableServiceClient(connectionString, Counted(Quick(new TableClientOptions()), requests, "table")),
            new QueueServiceClient(connectionString, Counted(QueueOptions(encoding), requests, "queue")),
            new BlobServiceClient(connectionString, Counted(Quick(new BlobClientOptions()), requests, "blob")),
            requests);
    }

    /// <summary>Per retry, so a request that had to be repeated counts as what it cost the storage.</summary>
    static T Counted<T>(T options, StorageRequests requests, string service) where T : Azure.Core.ClientOptions
    {
        options.AddPolicy(requests.For(service), Azure.Core.HttpPipelinePosition.PerRetry);
        return options;
    }

    /// <summary>
    /// Few, short retries: a webhook sender waits a few seconds at most (Shopify: 5 s), so an outage must turn into
    /// a quick 503 the platform retries, not a request that hangs in the SDK's default back-off.
    /// </summary>
    static T Quick<T>(T options) where T : Azure.Core.ClientOptions
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    /// <summary>
    /// The Functions queue trigger expects base64 messages unless host.json says messageEncoding "none"; the SDK sends
    /// raw text unless told. Every producer and consumer gets its queue client from here, so they always agree.
    /// </summary>
    public static QueueClientOptions QueueOptions(QueueMessageEncoding encoding) => Quick(new QueueClientOptions { MessageEncoding = encoding });

    public static QueueMessageEncoding EncodingFor(string hostJsonMessageEncoding) =>
        hostJsonMessageEncoding.Equals("none", StringComparison.OrdinalIgnoreCase) ? QueueMessageEncoding.None : QueueMessageEncoding.Base64;

    public TableClient Table(string name) => Tables.GetTableClient(name);
    public QueueClient Queue(string name) => Queues.GetQueueClient(name);
    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(name);

    /// <summary>Creates every table, queue and container the connector uses; safe to call on every start.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct = default)
    {
        await Task.WhenAll(
            Task.WhenAll(TableNames.All.Select(t => Tables.CreateTableIfNotExistsAsync(t, ct))),
            Task.WhenAll(new[] { Hosting.QueueNames.Events, Hosting.QueueNames.EventsPoison }.Select(q => Queue(q).CreateIfNotExistsAsync(cancellationToken: ct))),
            Task.WhenAll(ContainerNames.All.Select(c => Container(c).CreateIfNotExistsAsync(cancellationToken: ct))));
    }
}

public static class TableNames
{
    public const string Connections = "Connections";
    /// <summary>Lookup keys to connections: hashed URL tokens, store codes.</summary>
    public const string ConnectionKeys = "ConnectionKeys";
    /// <summary>One row per accepted business event (dedupe keys), the guard against queuing twice.</summary>
    public const string Receipts = "Receipts";
    public const string Activity = "Activity";
    public const string Vouchers = "Vouchers";
    public const string Orders = "Orders";
    public const string Items = "Items";
    public const string SkuMaps = "SkuMaps";
    public const string Customers = "Customers";
    /// <summary>One row per voucher linked to a customer (CustomerStore): inserted once, never rewritten.</summary>
    public const string CustomerVouchers = "CustomerVouchers";
    /// <summary>Raw bodies small enough for a row (RawArchive); larger ones are blobs in raw-deliveries.</summary>
    public const string RawDeliveries = "RawDeliveries";
    /// <summary>Accepted events not yet on the queue (Ingest/Outbox): a row lives from the answer until its message is durable.</summary>
    public const string Outbox = "Outbox";
    /// <summary>Admin actions: who created, changed, rotated, revoked or replayed what (Functions/Audit).</summary>
    public const string Audit = "Audit";

    public static readonly IReadOnlyList<string> All = [Connections, ConnectionKeys, Receipts, Activity, Vouchers, Orders, Items, SkuMaps, Customers, CustomerVouchers, RawDeliveries, Outbox, Audit];
}

public static class ContainerNames
{
    /// <summary>Every raw body received, as it arrived.</summary>
    public const string Raw = "raw-deliveries";
    /// <summary>Canonical events too large for a queue message (claim check).</summary>
    public const string Claims = "event-claims";
    /// <summary>The Data Protection key ring that encrypts connection secrets (Protection/BlobXmlRepository).</summary>
    public const string DataProtection = Protection.ProtectionOptions.ContainerName;

    public static readonly IReadOnlyList<string> All = [Raw, Claims, DataProtection];
}
