using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Connectors.Protection;

/// <summary>
/// The Data Protection key ring as one XML blob in the storage account (Azurite locally). Every instance reads the
/// same ring; a new key is appended with a conditional write (If-Match the ETag read, If-None-Match * for the first
/// key), so two instances adding keys at once both keep theirs: the loser of the race reads again and retries.
/// </summary>
public sealed class BlobXmlRepository(BlobContainerClient container, string blobName) : IXmlRepository
{
    readonly BlobClient blob = container.GetBlobClient(blobName);

    const int MaxAttempts = 10;

    public IReadOnlyCollection<XElement> GetAllElements() => Read().Ring?.Root?.Elements().ToList() ?? [];

    public void StoreElement(XElement element, string friendlyName)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (ring, etag) = Read();
            ring ??= new XDocument(new XElement("repository"));
            ring.Root!.Add(new XElement(element));
            var conditions = etag is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                blob.Upload(BinaryData.FromString(ring.ToString(SaveOptions.DisableFormatting)), new BlobUploadOptions
                {
                    Conditions = conditions,
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/xml" },
                });
                return;
            }
            catch (RequestFailedException x) when (x.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                container.CreateIfNotExists();
            }
            // Someone else wrote the ring since we read it (412), or created it first (409): read theirs and append again.
            catch (RequestFailedException x) when (x.Status is 409 or 412 && attempt < MaxAttempts)
            {
            }
        }
    }

    (XDocument? Ring, ETag? ETag) Read()
    {
        try
        {
            var content = blob.DownloadContent().Value;
            return (XDocument.Parse(content.Content.ToString()), content.Details.ETag);
        }
        catch (RequestFailedException x) when (x.Status == 404)
        {
            return (null, null);
        }
    }
}
