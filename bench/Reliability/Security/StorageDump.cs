using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Connectors.Storage;

namespace Connectors.Reliability.Security;

/// <summary>
/// Everything a copy of the storage account would hand over, as text to search: every row of every table (binary
/// properties decoded as UTF-8 too), every blob's content and metadata (base64 metadata decoded), every queued message
/// (decoded). The on-disk variant reads every file of an Azurite folder as bytes.
/// </summary>
public static class StorageDump
{
    public sealed record Piece(string Where, string Text);

    public static async Task<List<Piece>> OfAccountAsync(StorageAccount storage)
    {
        var pieces = new List<Piece>();
        await foreach (var table in storage.Tables.QueryAsync())
            await foreach (var e in storage.Table(table.Name).QueryAsync<TableEntity>())
                pieces.Add(new($"table {table.Name} {e.PartitionKey}/{e.RowKey}", string.Join("\n", e.Select(p => $"{p.Key}={Text(p.Value)}"))));
        await foreach (var container in storage.Blobs.GetBlobContainersAsync())
        {
            var client = storage.Container(container.Name);
            await foreach (var blob in client.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }))
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                var metadata = string.Join("\n", blob.Metadata.Select(m => $"{m.Key}={m.Value}\n{m.Key}={Encoding.UTF8.GetString(TryBase64(m.Value))}"));
                pieces.Add(new($"blob {container.Name}/{blob.Name}", Encoding.UTF8.GetString(content) + "\n" + metadata));
            }
        }
        await foreach (var queue in storage.Queues.GetQueuesAsync())
            foreach (var m in (await storage.Queue(queue.Name).PeekMessagesAsync(32)).Value)
                pieces.Add(new($"queue {queue.Name} {m.MessageId}", m.Body.ToString() + "\n" + Encoding.UTF8.GetString(TryBase64(m.Body.ToString()))));
        return pieces;
    }

    /// <summary>Every file under an Azurite folder (its table database, blob extents, queue files), as bytes read as UTF-8.</summary>
    public static List<Piece> OfFolder(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new Piece("file " + Path.GetRelativePath(folder, f), Encoding.UTF8.GetString(ReadShared(f))))
            .ToList();

    /// <summary>Where any of the values appears: one line per (value, place).</summary>
    public static IEnumerable<string> Find(IEnumerable<Piece> pieces, IEnumerable<(string What, string Value)> values)
    {
        var list = values.Where(v => v.Value.Length >= 8).ToList();
        foreach (var piece in pieces)
            foreach (var (what, value) in list)
                if (piece.Text.Contains(value, StringComparison.Ordinal))
                    yield return $"{what} ({value[..6]}…) appears in clear in {piece.Where}";
    }

    static string Text(object? value) => value switch
    {
        byte[] b => Convert.ToBase64String(b) + " " + Encoding.UTF8.GetString(b),
        BinaryData d => Encoding.UTF8.GetString(d.ToArray()),
        DateTimeOffset t => t.ToString("O"),
        _ => value?.ToString() ?? "",
    };

    static byte[] TryBase64(string s) { try { return Convert.FromBase64String(s); } catch (FormatException) { return Encoding.UTF8.GetBytes(s); } }

    static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
