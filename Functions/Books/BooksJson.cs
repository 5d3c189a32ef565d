using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace Connectors.Books;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Voucher))]
[JsonSerializable(typeof(List<Voucher>))]
[JsonSerializable(typeof(OrderState))]
[JsonSerializable(typeof(List<string>))]
public sealed partial class BooksJson : JsonSerializerContext;

/// <summary>JSON documents in table rows, split over Json0..JsonN: one string property holds at most 64 KiB (32K UTF-16 characters).</summary>
public static class TableJson
{
    const int ChunkChars = 30_000;

    public static void Write(TableEntity entity, string json)
    {
        var parts = (json.Length + ChunkChars - 1) / ChunkChars;
        entity["JsonParts"] = parts;
        for (var i = 0; i < parts; i++) entity["Json" + i] = json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - i * ChunkChars));
    }

    public static string Read(TableEntity entity)
    {
        var parts = entity.GetInt32("JsonParts") ?? 0;
        return string.Concat(Enumerable.Range(0, parts).Select(i => entity.GetString("Json" + i)));
    }
}
