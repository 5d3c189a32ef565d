using System.Security.Cryptography;
using System.Xml.Linq;
using Azure.Storage.Blobs;
using Connectors.Protection;
using Connectors.Tests.Fixtures;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Tests.Protection;

/// <summary>
/// The Data Protection key ring in a blob of Azurite: rotation keeps what older keys protected readable, concurrent
/// writers keep every key (ETag-conditional writes), and a ring wrapped with a key-encryption key holds no key in
/// clear and stays readable after the KEK itself is rotated. Each test has its own container; a new ServiceProvider
/// is a new process reading the same ring.
/// </summary>
public sealed class KeyRingTests(IngestOnlyHostFixture host) : IClassFixture<IngestOnlyHostFixture>
{
    BlobContainerClient NewContainer()
    {
        var container = host.Storage.Container("ring-" + Guid.NewGuid().ToString("N")[..12]);
        container.CreateIfNotExists();
        return container;
    }

    static ServiceProvider Process(BlobContainerClient container, IKeyEncryptionKeys? keks = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Connectors");
        if (keks is not null) services.AddSingleton(keks);
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new BlobXmlRepository(container, ProtectionOptions.RingBlobName);
            if (keks is not null) o.XmlEncryptor = new KekXmlEncryptor(keks);
        });
        services.AddSingleton<SecretProtection>();
        return services.BuildServiceProvider();
    }

    static string Ring(BlobContainerClient container) => container.GetBlobClient(ProtectionOptions.RingBlobName).DownloadContent().Value.Content.ToString();

    /// <summary>The key id Data Protection writes after its 4-byte magic header.</summary>
    static Guid KeyIdOf(string stored) => new(WebEncoders.Base64UrlDecode(stored[SecretProtection.Prefix.Length..]).AsSpan(4, 16));

    static void Rotate(ServiceProvider process) =>
        process.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));

    [Fact]
    public void After_a_key_rotation_new_secrets_use_the_new_key_and_old_ones_stay_readable()
    {
        var container = NewContainer();
        string before;
        using (var first = Process(container))
            before = first.GetRequiredService<SecretProtection>().Protect("c1", "WebhookSecret", "shpss_before_rotation")!;
        Assert.Single(XDocument.Parse(Ring(container)).Root!.Elements("key"));

        using (var rotating = Process(container)) Rotate(rotating);

        using var later = Process(container);
        var protection = later.GetRequiredService<SecretProtection>();
        var after = protection.Protect("c1", "WebhookSecret", "shpss_after_rotation")!;
        Assert.Equal(2, XDocument.Parse(Ring(container)).Root!.Elements("key").Count());
        Assert.NotEqual(KeyIdOf(before), KeyIdOf(after));
        Assert.Equal("shpss_before_rotation", protection.Unprotect("c1", "WebhookSecret", before, out var wasClear));
        Assert.False(wasClear);
        Assert.Equal("shpss_after_rotation", protection.Unprotect("c1", "WebhookSecret", after, out _));
    }

    [Fact]
    public void A_value_is_bound_to_its_connection_and_field()
    {
        using var process = Process(NewContainer());
        var protection = process.GetRequiredService<SecretProtection>();
        var stored = protection.Protect("c1", "SigningSecret", "whsec_bound")!;
        Assert.StartsWith(SecretProtection.Prefix, stored);
        Assert.DoesNotContain("whsec_bound", stored);
        Assert.ThrowsAny<CryptographicException>(() => protection.Unprotect("c2", "SigningSecret", stored, out _));
        Assert.ThrowsAny<CryptographicException>(() => protection.Unprotect("c1", "WebhookSecret", stored, out _));
    }

    [Fact]
    public void Concurrent_writers_each_keep_their_key()
    {
        var container = NewContainer();
        var writers = Enumerable.Range(0, 6).Select(_ => new BlobXmlRepository(container, ProtectionOptions.RingBlobName)).ToArray();
        Parallel.For(0, writers.Length, new ParallelOptions { MaxDegreeOfParallelism = writers.Length },
            i => writers[i].StoreElement(new XElement("key", new XAttribute("id", i)), $"key-{i}"));
        var ids = new BlobXmlRepository(container, ProtectionOptions.RingBlobName).GetAllElements().Select(e => (int)e.Attribute("id")!).Order();
        Assert.Equal(Enumerable.Range(0, writers.Length), ids);
    }

    [Fact]
    public void A_missing_ring_reads_as_empty_and_the_first_write_creates_it()
    {
        var container = host.Storage.Container("ring-" + Guid.NewGuid().ToString("N")[..12]); // not created
        var ring = new BlobXmlRepository(container, ProtectionOptions.RingBlobName);
        Assert.Empty(ring.GetAllElements());
        ring.StoreElement(new XElement("key", new XAttribute("id", "first")), "first");
        Assert.Equal("first", (string)ring.GetAllElements().Single().Attribute("id")!);
    }

    [Fact]
    public void A_ring_wrapped_with_a_kek_holds_no_key_in_clear_and_survives_a_kek_rotation()
    {
        var container = NewContainer();
        var keks = new KekVersions();
        string before;
        using (var first = Process(container, keks))
            before = first.GetRequiredService<SecretProtection>().Protect("c1", "WebhookSecret", "wc_before")!;
        var ring = Ring(container);
        Assert.DoesNotContain("masterKey", ring);
        Assert.Contains("kek=\"v1\"", ring);

        keks.Rotate(); // a new version of the Key Vault secret
        using (var rotating = Process(container, keks)) Rotate(rotating);
        string after;
        using (var second = Process(container, keks))
            after = second.GetRequiredService<SecretProtection>().Protect("c1", "WebhookSecret", "wc_after")!;
        Assert.Contains("kek=\"v2\"", Ring(container));

        using var later = Process(container, keks);
        var protection = later.GetRequiredService<SecretProtection>();
        Assert.Equal("wc_before", protection.Unprotect("c1", "WebhookSecret", before, out _));
        Assert.Equal("wc_after", protection.Unprotect("c1", "WebhookSecret", after, out _));

        // Without the KEK (a copy of the storage account alone) the ring does not open.
        using var thief = Process(container, new KekVersions());
        Assert.ThrowsAny<CryptographicException>(() => thief.GetRequiredService<SecretProtection>().Unprotect("c1", "WebhookSecret", before, out _));
    }

    /// <summary>Versions of a KEK as Key Vault keeps a secret's versions: the latest is current, every older one still readable.</summary>
    sealed class KekVersions : IKeyEncryptionKeys
    {
        readonly List<(string Id, byte[] Key)> _versions = [("v1", RandomNumberGenerator.GetBytes(32))];
        public void Rotate() => _versions.Add(($"v{_versions.Count + 1}", RandomNumberGenerator.GetBytes(32)));
        public (string Id, byte[] Key) Current() => _versions[^1];
        public byte[] Get(string id) => _versions.FirstOrDefault(v => v.Id == id).Key ?? throw new CryptographicException($"No KEK version {id}.");
    }
}
