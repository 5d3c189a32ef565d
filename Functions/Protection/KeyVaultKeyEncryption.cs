using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Protection;

/// <summary>
/// The key-encryption keys (KEKs) that wrap the Data Protection key ring: 256-bit keys, each known by an id so that a
/// ring key wrapped with an older KEK stays readable after the KEK is rotated.
/// </summary>
public interface IKeyEncryptionKeys
{
    /// <summary>The KEK new ring keys are wrapped with.</summary>
    (string Id, byte[] Key) Current();
    /// <summary>The KEK of that id (an older one included), or an exception naming it.</summary>
    byte[] Get(string id);
}

/// <summary>
/// KEKs held as a Key Vault secret (Azure.Security.KeyVault.Secrets: the Keys client and Microsoft's Key Vault key
/// wrapper for Data Protection are not served to this project, see docs/azure-deployment.md). The secret's value is
/// 32 random bytes in base64; each version of the secret is one KEK, its id the version. The first start creates
/// the secret when it does not exist; rotating it in Key Vault (a new version) makes new ring keys use the new KEK.
/// </summary>
public sealed class KeyVaultKeyEncryptionKeys(SecretClient client, string secretName) : IKeyEncryptionKeys
{
    readonly ConcurrentDictionary<string, byte[]> _byVersion = new();

    public (string Id, byte[] Key) Current()
    {
        KeyVaultSecret secret;
        try { secret = client.GetSecret(secretName).Value; }
        catch (RequestFailedException x) when (x.Status == 404)
        {
            secret = client.SetSecret(new KeyVaultSecret(secretName, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))
            {
                Properties = { ContentType = "application/octet-stream; base64; connectors data protection KEK" },
            }).Value;
        }
        var key = Decode(secret);
        _byVersion[secret.Properties.Version] = key;
        return (secret.Properties.Version, key);
    }

    public byte[] Get(string id) => _byVersion.GetOrAdd(id, version => Decode(client.GetSecret(secretName, version).Value));

    byte[] Decode(KeyVaultSecret secret)
    {
        var key = Convert.FromBase64String(secret.Value);
        if (key.Length != 32) throw new CryptographicException($"Key Vault secret '{secretName}' version {secret.Properties.Version} must hold 32 bytes in base64, not {key.Length}.");
        return key;
    }
}

/// <summary>Wraps each ring key with AES-256-GCM under the current KEK; the element names the KEK so any later KEK set can unwrap it.</summary>
public sealed class KekXmlEncryptor(IKeyEncryptionKeys keys) : IXmlEncryptor
{
    internal static readonly byte[] Aad = Encoding.ASCII.GetBytes("connectors-data-protection-kek-v1");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var (id, key) = keys.Current();
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var cipher = new byte[plain.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(key, tag.Length)) aes.Encrypt(nonce, plain, cipher, tag, Aad);
        CryptographicOperations.ZeroMemory(plain);
        var element = new XElement("encryptedKey",
            new XComment(" This key is wrapped with a key-encryption key held outside the storage account (Key Vault). "),
            new XAttribute("kek", id),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(cipher)));
        return new EncryptedXmlInfo(element, typeof(KekXmlDecryptor));
    }
}

/// <summary>Unwraps what KekXmlEncryptor wrapped. Data Protection creates it by type with the app's services.</summary>
public sealed class KekXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var keys = services.GetRequiredService<IKeyEncryptionKeys>();
        var id = (string?)encryptedElement.Attribute("kek") ?? throw new CryptographicException("The encrypted ring key names no key-encryption key.");
        var nonce = Convert.FromBase64String((string?)encryptedElement.Element("nonce") ?? "");
        var tag = Convert.FromBase64String((string?)encryptedElement.Element("tag") ?? "");
        var cipher = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        var plain = new byte[cipher.Length];
        using (var aes = new AesGcm(keys.Get(id), tag.Length)) aes.Decrypt(nonce, cipher, tag, plain, KekXmlEncryptor.Aad);
        try { return XElement.Parse(Encoding.UTF8.GetString(plain)); }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }
}
