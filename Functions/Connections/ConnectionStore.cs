using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Connectors.Protection;
using Connectors.Storage;

namespace Connectors.Connections;

/// <summary>
/// Connections and their lookup keys in Table Storage. Reads are cached briefly (every delivery resolves its
/// connection) and invalidated by this instance's own writes; other instances see a change within CacheTtl.
/// Secrets are stored encrypted (SecretProtection); a row written in clear by an older version is rewritten
/// encrypted the first time it is read.
/// </summary>
public sealed class ConnectionStore(StorageAccount storage, TimeProvider clock, SecretProtection protection)
{
    const string Partition = "connection";
    const string TokenPartition = "token";
    const string StoreCodePartition = "jumpseller-store";
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(5);

    readonly TableClient _connections = storage.Table(TableNames.Connections);
    readonly TableClient _keys = storage.Table(TableNames.ConnectionKeys);
    readonly ConcurrentDictionary<string, (Connection? Value, DateTimeOffset Until)> _cache = new();

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<Connection> CreateAsync(Connection connection, CancellationToken ct)
    {
        await _connections.AddEntityAsync(ToEntity(connection), ct);
        return connection;
    }

    public async Task<Connection?> GetAsync(string id, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64) return null;
        if (_cache.TryGetValue(id, out var hit) && hit.Until > Now) return hit.Value;
        var r = await _connections.GetEntityIfExistsAsync<TableEntity>(Partition, Keys.Escape(id), cancellationToken: ct);
        var value = r.HasValue ? await ReadAsync(r.Value!, ct) : null;
        _cache[id] = (value, Now + CacheTtl);
        return value;
    }

    /// <summary>A live (not revoked) connection, or null.</summary>
    public async Task<Connection?> GetLiveAsync(string id, CancellationToken ct) =>
        await GetAsync(id, ct) is { IsRevoked: false } c ? c : null;

    public async Task<IReadOnlyList<Connection>> ListAsync(CancellationToken ct)
    {
        var list = new List<Connection>();
        await foreach (var e in _connections.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, cancellationToken: ct))
            list.Add(await ReadAsync(e, ct));
        return list.OrderBy(c => c.CreatedAt).ToList();
    }

    public async Task SaveAsync(Connection connection, CancellationToken ct)
    {
        await _connections.UpsertEntityAsync(ToEntity(connection), TableUpdateMode.Replace, ct);
        _cache.TryRemove(connection.Id, out _);
    }

    /// <summary>Registers a URL token (only its hash is stored); with validUntil it expires (rotation grace).</summary>
    public Task AddTokenAsync(string connectionId, string token, CancellationToken ct) =>
        _keys.UpsertEntityAsync(new TableEntity(TokenPartition, Secrets.HashToken(token)) { ["ConnectionId"] = connectionId }, TableUpdateMode.Replace, ct);

    /// <summary>Every token of the connection that does not expire yet gets an expiry (rotation: they work until then).</summary>
    public async Task ExpireTokensAsync(string connectionId, DateTimeOffset until, CancellationToken ct)
    {
        await foreach (var e in _keys.QueryAsync<TableEntity>(x => x.PartitionKey == TokenPartition && x.GetString("ConnectionId") == connectionId, cancellationToken: ct))
        {
            if (e.GetDateTimeOffset("ValidUntil") is { } existing && existing <= until) continue;
            e["ValidUntil"] = until;
            await _keys.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Replace, ct);
            _cache.TryRemove("t:" + e.RowKey, out _);
        }
    }

    public async Task<Connection?> FindByTokenAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return null;
        var hash = Secrets.HashToken(token);
        var cacheKey = "t:" + hash;
        if (!(_cache.TryGetValue(cacheKey, out var hit) && hit.Until > Now))
        {
            var r = await _keys.GetEntityIfExistsAsync<TableEntity>(TokenPartition, hash, cancellationToken: ct);
            Connection? resolved = null;
            if (r.HasValue && (r.Value!.GetDateTimeOffset("ValidUntil") is not { } until || until > Now))
                resolved = await GetLiveAsync(r.Value.GetString("ConnectionId"), ct);
            // The cached entry never outlives the token's own expiry.
            var validUntil = r.HasValue ? r.Value!.GetDateTimeOffset("ValidUntil") : null;
            hit = (resolved, validUntil is { } v && v < Now + CacheTtl ? v : Now + CacheTtl);
            _cache[cacheKey] = hit;
        }
        return hit.Value is { } c ? await GetLiveAsync(c.Id, ct) : null;
    }

    public async Task<bool> TryClaimStoreCodeAsync(string storeCode, string connectionId, CancellationToken ct)
    {
        try
        {
            await _keys.AddEntityAsync(new TableEntity(StoreCodePartition, Keys.Escape(storeCode.ToLowerInvariant())) { ["ConnectionId"] = connectionId }, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A revoked connection's store code can be taken over by a new connection.
            var existing = await _keys.GetEntityAsync<TableEntity>(StoreCodePartition, Keys.Escape(storeCode.ToLowerInvariant()), cancellationToken: ct);
            if (await GetLiveAsync(existing.Value.GetString("ConnectionId"), ct) is not null) return false;
            existing.Value["ConnectionId"] = connectionId;
            await _keys.UpdateEntityAsync(existing.Value, existing.Value.ETag, TableUpdateMode.Replace, ct);
            _cache.TryRemove("s:" + storeCode.ToLowerInvariant(), out _);
            return true;
        }
    }

    public async Task<Connection?> FindByStoreCodeAsync(string? storeCode, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(storeCode) || storeCode.Length > 200) return null;
        var code = storeCode.Trim().ToLowerInvariant();
        var cacheKey = "s:" + code;
        if (!(_cache.TryGetValue(cacheKey, out var hit) && hit.Until > Now))
        {
            var r = await _keys.GetEntityIfExistsAsync<TableEntity>(StoreCodePartition, Keys.Escape(code), cancellationToken: ct);
            hit = (r.HasValue ? await GetAsync(r.Value!.GetString("ConnectionId"), ct) : null, Now + CacheTtl);
            _cache[cacheKey] = hit;
        }
        return hit.Value is { } c ? await GetLiveAsync(c.Id, ct) : null;
    }

    /// <summary>The connection in a row; a row with a secret in clear (the layout before encryption) is rewritten encrypted, unless another writer changed it first.</summary>
    async Task<Connection> ReadAsync(TableEntity e, CancellationToken ct)
    {
        var (connection, wasClear) = FromEntity(e);
        if (!wasClear) return connection;
        try { await _connections.UpdateEntityAsync(ToEntity(connection), e.ETag, TableUpdateMode.Replace, ct); }
        catch (RequestFailedException x) when (x.Status is 412 or 404) { } // rewritten or removed meanwhile: that writer's row stands
        return connection;
    }

    TableEntity ToEntity(Connection c) => new(Partition, Keys.Escape(c.Id))
    {
        ["Id"] = c.Id,
        ["Platform"] = c.Platform,
        ["Name"] = c.Name,
        ["CreatedAt"] = c.CreatedAt,
        ["RevokedAt"] = c.RevokedAt,
        ["SigningSecret"] = protection.Protect(c.Id, "SigningSecret", c.SigningSecret),
        ["PreviousSigningSecret"] = protection.Protect(c.Id, "PreviousSigningSecret", c.PreviousSigningSecret),
        ["PreviousSigningSecretUntil"] = c.PreviousSigningSecretUntil,
        ["WebhookSecret"] = protection.Protect(c.Id, "WebhookSecret", c.WebhookSecret),
        ["StoreCode"] = c.StoreCode,
        ["SaleOn"] = c.SaleOn,
    };

    (Connection Connection, bool WasClear) FromEntity(TableEntity e)
    {
        var id = e.GetString("Id");
        var connection = new Connection
        {
            Id = id,
            Platform = e.GetString("Platform"),
            Name = e.GetString("Name"),
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
            RevokedAt = e.GetDateTimeOffset("RevokedAt"),
            SigningSecret = protection.Unprotect(id, "SigningSecret", e.GetString("SigningSecret"), out var a),
            PreviousSigningSecret = protection.Unprotect(id, "PreviousSigningSecret", e.GetString("PreviousSigningSecret"), out var b),
            PreviousSigningSecretUntil = e.GetDateTimeOffset("PreviousSigningSecretUntil"),
            WebhookSecret = protection.Unprotect(id, "WebhookSecret", e.GetString("WebhookSecret"), out var c),
            StoreCode = e.GetString("StoreCode"),
            SaleOn = e.GetString("SaleOn"),
        };
        return (connection, a || b || c);
    }
}
