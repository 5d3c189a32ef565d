namespace Connectors.Bench;

/// <summary>
/// CPU time (user + system, from /proc/PID/stat) of the run's processes, so a phase's cost per order can be split by
/// process: on two shared cores that says which process a figure is waiting for, and whether the host's own cost per
/// order grows with history or only the emulator's.
/// </summary>
public sealed class CpuMeter(IReadOnlyList<(string Name, int ProcessId)> processes)
{
    /// <summary>USER_HZ: the unit of utime and stime; 100 on every Linux this runs on.</summary>
    const double TicksPerSecond = 100;

    public IReadOnlyDictionary<string, double> Seconds() => processes.ToDictionary(p => p.Name, p => CpuSeconds(p.ProcessId));

    /// <summary>CPU milliseconds each process spent per order between two readings.</summary>
    public static Dictionary<string, double> PerOrder(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, int orders) =>
        after.ToDictionary(p => p.Key, p => orders == 0 ? 0 : Math.Round((p.Value - before[p.Key]) * 1000 / orders, 2));

    public static string Describe(IReadOnlyDictionary<string, double> msPerOrder) =>
        string.Join(", ", msPerOrder.Select(p => $"{p.Key} {p.Value:0.00}")) + $" (total {msPerOrder.Values.Sum():0.00})";

    static double CpuSeconds(int pid)
    {
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3 (state).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
    }
}
