using System.Globalization;
using Connectors.Reliability.Crash;
using Connectors.Reliability.Malformed;
using Connectors.Reliability.Outage;
using Connectors.Reliability.Poison;
using Connectors.Reliability.Security;
using Connectors.Reliability.Shuffle;
using Connectors.Reliability.Storm;

namespace Connectors.Reliability;

/// <summary>
/// dotnet run -c Release --project bench/Reliability [-- --scale N] [--only name,...]
/// Runs every scenario (larger than the tests: --scale multiplies the sizes), each on its own Azurite and host, and prints
/// one line per scenario. Exit code: 0 all passed; 1 an event was lost or posted twice; 2 another expectation failed.
/// </summary>
public static class ReportCommand
{
    public static async Task<int> Main(string[] args)
    {
        var scale = Arg(args, "--scale") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 5;
        var only = Arg(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        bool Run(string name) => only is null || only.Contains(name);
        var results = new List<ScenarioResult>();
        var skipped = new List<string>();
        // The books audit of each scenario's storage, run before its rig stops (Functions/Reports/BooksAudit.cs).
        var audits = new List<(string Scenario, Connectors.Reports.AuditResult Result)>();
        async Task<ScenarioResult> Audited(Target target, ScenarioResult result)
        {
            try { audits.Add((result.Name, await new Connectors.Reports.BooksAudit(target.Storage, new Connectors.Books.BooksOptions()).RunAsync(CancellationToken.None))); }
            catch (Exception e) { audits.Add((result.Name, new Connectors.Reports.AuditResult(false, [new("the audit ran", false, e.Message, [])]))); }
            return result;
        }

        async Task Scenario(string name, Func<Task<ScenarioResult>> run)
        {
            if (!Run(name)) return;
            Console.WriteLine($"running {name} ...");
            ScenarioResult r;
            try { r = await run(); }
            catch (ScenarioException e) when (e.Message.StartsWith("skipped", StringComparison.Ordinal)) { skipped.Add($"{name}: {e.Message}"); return; }
            catch (Exception e) { r = new ScenarioResult(name); r.Fail($"the scenario crashed: {e}"); }
            results.Add(r);
            Console.WriteLine(r.Describe());
        }

        await Scenario("malformed-input", async () =>
        {
            await using var rig = await InProcessRig.StartAsync(queueTrigger: false, extra: ThrottleSettings.BeyondScenarioVolume);
            return await Audited(rig.Target, await MalformedInputScenario.RunAsync(rig.Target, new MalformedInputScenario.Options(Count: 10_000 * scale)));
        });
        await Scenario("authentication", async () =>
        {
            await using var rig = await InProcessRig.StartAsync(queueTrigger: true, extra: ThrottleSettings.BeyondScenarioVolume);
            return await Audited(rig.Target, await AuthenticationScenario.RunAsync(rig.Target, new AuthenticationScenario.Options(GuessesPerRoute: 100 * scale)));
        });
        await Scenario("guessing", async () =>
        {
            // The host's default limits: the limiter is what this scenario measures.
            await using var rig = await InProcessRig.StartAsync(queueTrigger: true);
            await RequirePostingAsync(rig.Target);
            return await GuessingScenario.RunAsync(rig.Target, new GuessingScenario.Options(Guesses: 2_000 * scale, RealOrders: 20 * scale));
        });
        await Scenario("secrets-at-rest", async () =>
        {
            await using var rig = await InProcessRig.StartAsync(queueTrigger: true, persist: true);
            return await SecretsAtRestScenario.RunAsync(rig.Target, new SecretsAtRestScenario.Options(DeliveriesPerRoute: 10 * scale));
        });
        await Scenario("duplicate-storm", async () =>
        {
            await using var rig = await InProcessRig.StartAsync(queueTrigger: true);
            await RequirePostingAsync(rig.Target);
            return await Audited(rig.Target, await DuplicateStormScenario.RunAsync(rig.Target, new DuplicateStormScenario.Options(Orders: 50 * scale)));
        });
        await Scenario("storage-outage", async () =>
        {
            await using var rig = await InProcessRig.StartAsync(queueTrigger: true, persist: true);
            await RequirePostingAsync(rig.Target);
            return await Audited(rig.Target, await StorageOutageScenario.RunAsync(rig.Target, new StorageOutageScenario.Options(Orders: 60 * scale)));
        });
        await Scenario("poison-replay", async () =>
        {
            await using var rig = await InProcessRig.StartAsync(queueTrigger: true, queues: q => q with { VisibilityTimeout = TimeSpan.FromMilliseconds(200), MaxPollingInterval = TimeSpan.FromMilliseconds(200), MaxDequeueCount = 3 });
            await RequirePostingAsync(rig.Target);
            return await Audited(rig.Target, await PoisonReplayScenario.RunAsync(rig.Target, new PoisonReplayScenario.Options(Orders: 5 * scale)));
        });
        await Scenario("shuffled-lifecycles", async () =>
        {
            // Short retries, many of them: an event that arrives before its sale waits for it without risking poison.
            await using var rig = await InProcessRig.StartAsync(queueTrigger: true, queues: q => q with { VisibilityTimeout = TimeSpan.FromSeconds(1), MaxPollingInterval = TimeSpan.FromMilliseconds(500), MaxDequeueCount = 60 });
            await RequirePostingAsync(rig.Target);
            return await Audited(rig.Target, await ShuffledLifecyclesScenario.RunAsync(rig.Target, new ShuffledLifecyclesScenario.Options(Lifecycles: 200 * scale)));
        });
        await Scenario("crash", () => CrashScenario.RunAsync(new CrashScenario.Options(Orders: 120 * scale)));

        Console.WriteLine();
        Console.WriteLine($"Reliability report (scale {scale}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        Console.WriteLine($"{"scenario",-20} {"sent",8} {"accepted",9} {"rejected as expected",21} {"events lost",12} {"postings duplicated",20} {"orders with wrong books",24}");
        foreach (var r in results)
            Console.WriteLine($"{r.Name,-20} {r.Sent,8} {r.Accepted,9} {r.RejectedAsExpected,21} {r.Lost,12} {r.Duplicated,20} {(r.BooksChecked > 0 ? r.WrongBooks.ToString(CultureInfo.InvariantCulture) : "-"),24}{(r.FailureCount > 0 ? $"   {r.FailureCount} other failure(s)" : "")}");
        foreach (var line in skipped) Console.WriteLine("skipped " + line);
        var failedAudits = audits.Where(a => !a.Result.Passed).ToList();
        Console.WriteLine(failedAudits.Count == 0
            ? $"books audit: PASS, every check on the books of {audits.Count} scenario(s) ({string.Join(", ", audits.Select(a => a.Scenario))}; crash runs its own hosts and is not audited)"
            : $"books audit: FAIL in {string.Join(", ", failedAudits.Select(a => a.Scenario))}: " + string.Join(" | ", failedAudits.SelectMany(a => a.Result.Checks.Where(c => !c.Passed).Select(c => $"{a.Scenario}: {c.Line}"))));
        if (results.Any(r => r.Lost != 0 || r.Duplicated != 0)) return 1;
        return results.Any(r => !r.Passed) || failedAudits.Count > 0 ? 2 : 0;
    }

    static async Task RequirePostingAsync(Target target)
    {
        if (!await target.Admin.HasPostingAsync()) throw new ScenarioException("skipped: the posting engine's admin routes are not on this host");
    }

    static string? Arg(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
