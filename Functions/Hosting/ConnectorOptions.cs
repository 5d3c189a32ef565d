using Microsoft.Extensions.Options;

namespace Connectors.Hosting;

/// <summary>Deployment settings of the connector itself (the books have their own, BooksOptions).</summary>
public sealed class ConnectorOptions
{
    /// <summary>Admin routes require this in x-functions-key (or ?code=); unset, they are off.</summary>
    public string? AdminKey { get; set; }
    /// <summary>More admin keys, each with a name the audit log records (AdminKeys__ops = ...); AdminKey's name is "default".</summary>
    public Dictionary<string, string> AdminKeys { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Base of the delivery URLs handed out, e.g. https://connectors.example.com; unset or blank, the request's own.</summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary>How long a rotated token or signing secret keeps working, so in-flight deliveries are not lost.</summary>
    public TimeSpan RotationGrace { get; set; } = TimeSpan.FromHours(24);
    /// <summary>bookto: how far a delivery's timestamp may be from now (replay protection).</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Orders posted at once while webhook deliveries are being answered (acknowledgements first); 0 turns that priority off.</summary>
    public int PostingWhileAnswering { get; set; } = 2;
    /// <summary>Under load, how long a queue message waits to fill with more events before it is sent; zero sends at once.</summary>
    public TimeSpan QueueLinger { get; set; } = TimeSpan.FromMilliseconds(5);
    /// <summary>How long an answer waits for the queue to take its event before keeping it in the outbox table instead; zero always uses the outbox.</summary>
    public TimeSpan QueuePatience { get; set; } = TimeSpan.FromMilliseconds(50);
    /// <summary>An accepted event still in the outbox after this long (its instance stopped, or the queue was down) is queued by the next sweep.</summary>
    public TimeSpan OutboxRelayAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The base for delivery URLs, or null for the request's own (the sample settings ship it blank).</summary>
    public Uri? PublicBase => string.IsNullOrWhiteSpace(PublicBaseUrl) ? null : new Uri(PublicBaseUrl.Trim().TrimEnd('/') + "/");

    /// <summary>What is wrong with the settings, in words that name the setting; null when nothing is.</summary>
    public string? Problem() =>
        !string.IsNullOrWhiteSpace(PublicBaseUrl) && !(Uri.TryCreate(PublicBaseUrl.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(u.Query))
            ? $"PublicBaseUrl '{PublicBaseUrl}' is not an absolute http(s) URL without a query, such as https://connectors.example.com (leave it blank to use each request's own)."
            : null;

    /// <summary>Refuses to start with a bad setting, naming it (the message is the exception's).</summary>
    public sealed class Check : IValidateOptions<ConnectorOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConnectorOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
