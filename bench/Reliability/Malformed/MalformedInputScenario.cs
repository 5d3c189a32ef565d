using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using Connectors.Activity;
using Connectors.Hosting;
using Connectors.Reliability.Routes;
using Connectors.Storage;

namespace Connectors.Reliability.Malformed;

/// <summary>
/// Thousands of generated bad requests over every source and admin route, sent with bounded concurrency. Every one must
/// get the answer its expectation names (a 4xx with a JSON error naming the problem, or 200 unprocessable/ignored on a
/// platform route), none a 5xx; afterwards the host answers, nothing is queued or posted, and every source request is in
/// the activity log as rejected. Run against a host whose queue trigger is off, so the queue can be inspected.
/// </summary>
public static class MalformedInputScenario
{
    public sealed record Options(int Count = 10_000, int Seed = 20261124, int Concurrency = 16);

    public static async Task<ScenarioResult> RunAsync(Target target, Options options)
    {
        var result = new ScenarioResult("malformed-input");
        var clock = Stopwatch.StartNew();
        var activity = new ActivityCounter(target.Storage);
        var routes = await LiveRoutesAsync(target, options.Seed);
        // Whatever "_unrouted" already holds (the route probes, earlier scenarios) is not ours to count.
        var unroutedBefore = await activity.CountAsync(ActivityLog.Unrouted);
        result.Notes.Add($"source routes: {string.Join(", ", routes.Select(r => r.Route.Name))}");
        var posting = await target.Admin.HasPostingAsync();
        var vouchersBefore = await target.Admin.VoucherCountAsync();
        var admin = new AdminRoutes(target.AdminKey, routes[0].Connection.Id, posting);
        var generator = new MalformedRequests(routes, admin, options.Seed);

        // Expected activity, per partition: how many entries, with which HTTP statuses.
        var expected = new ConcurrentDictionary<string, ConcurrentBag<int>>();
        var kinds = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(generator.Generate(options.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (request, ct) =>
        {
            Interlocked.Increment(ref result.Sent);
            kinds.AddOrUpdate(request.Kind, 1, (_, n) => n + 1);
            int status; string body;
            try { (status, body) = await SendAsync(target.Http, request, ct); }
            catch (Exception e) { result.Fail($"{request}: no answer ({e.GetType().Name}: {e.Message})"); return; }
            if (Check(request, status, body) is { } problem) result.Fail($"{request}: {problem}");
            else Interlocked.Increment(ref result.RejectedAsExpected);
            if (status is >= 200 and < 300 && JsonAnswer(body) == "accepted") Interlocked.Increment(ref result.Accepted);
            if (request.Expect.Partition is { } partition) expected.GetOrAdd(partition, _ => []).Add(status);
        });

        if (!await target.Admin.HealthyAsync()) result.Fail("The host did not answer the health request after the run.");

        var queued = (await target.Storage.Queue(QueueNames.Events).GetPropertiesAsync()).Value.ApproximateMessagesCount
                     + (await target.Storage.Queue(QueueNames.EventsPoison).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        if (queued != 0) result.Fail($"{queued} message(s) were queued by malformed requests.");
        if (await target.Admin.VoucherCountAsync() is { } after && after != vouchersBefore) result.Fail($"{after - vouchersBefore} voucher(s) were posted by malformed requests.");

        await CheckActivityAsync(target, activity, expected, unroutedBefore, routes, result);
        result.Notes.Add("kinds: " + string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        result.Elapsed = clock.Elapsed;
        return result;
    }

    /// <summary>Creates one connection per source route the host maps (a route answering "No such route." is not there yet).</summary>
    public static async Task<IReadOnlyList<LiveRoute>> LiveRoutesAsync(Target target, int seed)
    {
        var r = new Random(seed);
        var live = new List<LiveRoute>();
        var connections = new Dictionary<string, CreatedConnection>();
        foreach (var route in SourceRoutes.All)
        {
            using var probe = new HttpRequestMessage(HttpMethod.Post, route.UnknownPath(r)) { Content = new ByteArrayContent("{}"u8.ToArray()) };
            using var answer = await target.Http.SendAsync(probe);
            if ((int)answer.StatusCode == 404 && (await answer.Content.ReadAsStringAsync()).Contains("No such route", StringComparison.Ordinal)) continue;
            if (!connections.TryGetValue(route.Platform, out var c))
            {
                c = await target.Admin.CreateConnectionAsync(route.Platform,
                    webhookSecret: route.NeedsWebhookSecret ? "whsec-" + Convert.ToHexStringLower(RandomBytes(r, 16)) : null,
                    storeCode: route.NeedsStoreCode ? "store-" + r.Next(1_000_000) : null);
                connections[route.Platform] = c;
            }
            live.Add(new LiveRoute(route, c));
        }
        return live;
    }

    static byte[] RandomBytes(Random r, int n) { var b = new byte[n]; r.NextBytes(b); return b; }

    public static async Task<(int Status, string Body)> SendAsync(HttpClient http, MalformedRequest request, CancellationToken ct)
    {
        if (request.Transport == Transport.Raw)
        {
            var headers = request.Headers.ToList();
            if (request.ContentType is { } type) headers.Add(("Content-Type", type));
            return await RawHttp.SendAsync(http.BaseAddress!, request.Method.Method, request.Path, headers, request.Body, ct);
        }
        using var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Body.Length > 0 || request.Method != HttpMethod.Get)
        {
            message.Content = request.Transport == Transport.Chunked
                ? new StreamContent(new UnknownLengthStream(request.Body))
                : new ReadOnlyMemoryContent(request.Body);
            if (request.ContentType is { } type) message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        using var response = await http.SendAsync(message, ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>What is wrong with the answer, or null when it is the expected one.</summary>
    public static string? Check(MalformedRequest request, int status, string body)
    {
        if (status >= 500) return $"answered {status} (a server error): {Clip.To(body, 300)}";
        if (!request.Expect.Statuses.Contains(status)) return $"answered {status}, expected {string.Join(" or ", request.Expect.Statuses)}: {Clip.To(body, 300)}";
        JsonElement root;
        try { root = JsonDocument.Parse(body).RootElement; }
        catch (JsonException) { return $"answered {status} without a JSON body: {Clip.To(body, 300)}"; }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(error.GetString()))
            return $"answered {status} without an error that names the problem: {Clip.To(body, 300)}";
        if (request.Expect.Answer is { } answer && !answer.Split('|').Contains(JsonAnswer(body)))
            return $"answered status word '{JsonAnswer(body)}', expected '{answer}': {Clip.To(body, 300)}";
        if (request.Expect.Mentions is { } word && !error.GetString()!.Contains(word, StringComparison.OrdinalIgnoreCase))
            return $"the error does not mention '{word}': {Clip.To(body, 300)}";
        return null;
    }

    static string? JsonAnswer(string body)
    {
        try { return JsonDocument.Parse(body).RootElement.TryGetProperty("status", out var s) ? s.GetString() : null; }
        catch (JsonException) { return null; }
    }

    static async Task CheckActivityAsync(Target target, ActivityCounter activity, ConcurrentDictionary<string, ConcurrentBag<int>> expected, int unroutedBase, IReadOnlyList<LiveRoute> routes, ScenarioResult result)
    {
        foreach (var (partition, statuses) in expected)
        {
            var entries = await activity.ListAsync(partition);
            var logged = entries.Select(e => e.HttpStatus).Order().ToList();
            var want = statuses.Order().ToList();
            var extra = partition == ActivityLog.Unrouted ? unroutedBase : 0;
            if (logged.Count != want.Count + extra)
                result.Fail($"activity of {partition}: {logged.Count} entries for {want.Count + extra} requests");
            var wrongStatus = entries.Where(e => e.Status is not (ActivityStatus.Rejected or ActivityStatus.Failed or ActivityStatus.Ignored)).ToList();
            if (wrongStatus.Count > 0) result.Fail($"activity of {partition}: {wrongStatus.Count} entries are not rejected/failed/ignored, e.g. {wrongStatus[0].Status} {wrongStatus[0].Reason}");
            if (partition != ActivityLog.Unrouted && !logged.SequenceEqual(want))
                result.Fail($"activity of {partition}: logged HTTP statuses differ from the answers");
            if (entries.FirstOrDefault(e => e.HttpStatus >= 400 && e.Status != ActivityStatus.Rejected) is { } bad)
                result.Fail($"activity of {partition}: a {bad.HttpStatus} is logged as {bad.Status}");
        }
        // The operator's view: a sample through the admin activity route, newest first, all refusals.
        foreach (var live in routes.DistinctBy(r => r.Connection.Id))
        {
            var page = await target.Admin.ActivityAsync(live.Connection.Id, 200);
            var sent = expected.TryGetValue(live.Connection.Id, out var s) ? s.Count : 0;
            if (page.Count != Math.Min(200, sent)) result.Fail($"admin activity of {live.Route.Platform}: {page.Count} entries, expected {Math.Min(200, sent)}");
            if (page.FirstOrDefault(e => e.GetProperty("status").GetString() is not ("rejected" or "failed" or "ignored")) is { ValueKind: JsonValueKind.Object } odd)
                result.Fail($"admin activity of {live.Route.Platform}: an entry is {odd.GetProperty("status")}");
        }
    }


    /// <summary>A body stream that does not tell its length, so HttpClient sends it chunked.</summary>
    sealed class UnknownLengthStream(ReadOnlyMemory<byte> data) : Stream
    {
        int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, data.Length - _position);
            data.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Reads activity partitions straight from the table (the admin route pages 1,000 at most and knows no "_unrouted").</summary>
public sealed class ActivityCounter(StorageAccount storage)
{
    readonly TableClient _table = storage.Table(TableNames.Activity);

    public async Task<List<ActivityEntry>> ListAsync(string partition)
    {
        var list = new List<ActivityEntry>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == Keys.Escape(partition), select: ["HttpStatus", "Status", "Reason", "Event"]))
            list.Add(new ActivityEntry { ConnectionId = partition, HttpStatus = e.GetInt32("HttpStatus") ?? 0, Status = e.GetString("Status") ?? "", Reason = e.GetString("Reason"), Event = e.GetString("Event") });
        return list;
    }

    public async Task<int> CountAsync(string partition) => (await ListAsync(partition)).Count;
}
