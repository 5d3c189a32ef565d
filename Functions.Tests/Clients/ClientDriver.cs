using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Connectors.Tests.Fixtures;
using Sdk = Connectors.Client;

namespace Connectors.Tests.Clients;

/// <summary>What one SDK call came to: the result (Ok) or the exception's fields, as each driver prints them.</summary>
public sealed record ClientOutcome(bool Ok, int? StatusCode, string? Status, string? EventId, string[]? Vouchers, string? Error, string? Message, int Attempts, bool Duplicate);

/// <summary>
/// Makes one call (order, update or refund, with the seed's field names) through one SDK in clients/: python3, php and
/// node run their driver in Functions.Tests/Clients/drivers as a subprocess; the C# client is called in process.
/// </summary>
public static class ClientDriver
{
    public static TheoryData<string> Languages => new() { "python", "php", "node", "csharp" };

    static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static Task<ClientOutcome> RunAsync(string language, string url, string secret, string call, object args,
        int maxAttempts = 4, int baseDelayMs = 10, int? wait = null) => language == "csharp"
        ? RunCSharpAsync(url, secret, call, JsonSerializer.Serialize(args), maxAttempts, baseDelayMs, wait)
        : RunProcessAsync(language, new
        {
            client = Path.Combine(Repository.Root, "clients", language),
            url, secret, call, args, max_attempts = maxAttempts, base_delay_ms = baseDelayMs, wait,
        });

    static async Task<ClientOutcome> RunProcessAsync(string language, object job)
    {
        var (exe, script, package) = language switch
        {
            "python" => ("python3", "driver.py", "python3"),
            "php" => ("php", "driver.php", "php-cli"),
            "node" => ("node", "driver.js", "nodejs"),
            _ => throw new ArgumentOutOfRangeException(nameof(language), language, "no such SDK"),
        };
        var start = new ProcessStartInfo(exe, [Path.Combine(Repository.Root, "Functions.Tests", "Clients", "drivers", script)])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Process process;
        try { process = Process.Start(start)!; }
        catch (Win32Exception e)
        {
            // Never a skip: CI installs it (.ci/run), and a developer must too.
            throw new InvalidOperationException($"'{exe}' is not installed, so the {language} SDK cannot be tested: install {package} (.ci/run does with apt-get).", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(JsonSerializer.Serialize(job));
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"The {language} driver did not finish in 90 s."); }
            var output = await stdout;
            Assert.True(process.ExitCode == 0, $"The {language} driver exited {process.ExitCode}: {await stderr}{output}");
            return JsonSerializer.Deserialize<ClientOutcome>(output, Web) ?? throw new InvalidDataException($"The {language} driver printed nothing.");
        }
    }

    static async Task<ClientOutcome> RunCSharpAsync(string url, string secret, string call, string args, int maxAttempts, int baseDelayMs, int? wait)
    {
        using var client = new Sdk.ConnectorsClient(url, secret, new Sdk.ConnectorsClientOptions
        {
            MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(baseDelayMs), Timeout = TimeSpan.FromSeconds(20), Wait = wait,
        });
        try
        {
            var r = call switch
            {
                "order" => await client.SendOrderAsync(JsonSerializer.Deserialize<Sdk.Order>(args, SnakeCase)!),
                "update" => await client.SendUpdateAsync(JsonSerializer.Deserialize<Sdk.OrderUpdate>(args, SnakeCase)!),
                "refund" => await client.SendRefundAsync(JsonSerializer.Deserialize<Sdk.Refund>(args, SnakeCase)!),
                _ => throw new ArgumentOutOfRangeException(nameof(call), call, "order, update or refund"),
            };
            return new ClientOutcome(true, r.StatusCode, r.Status, r.EventId, [.. r.Vouchers], r.Error, null, r.Attempts, r.Duplicate);
        }
        catch (Sdk.ConnectorsException e)
        {
            return new ClientOutcome(false, e.StatusCode, e.Status, null, null, e.Error, e.Message, e.Attempts, false);
        }
    }
}
