namespace Connectors.Bench;

public static class Percentiles
{
    /// <summary>Nearest-rank percentile of the samples (ms).</summary>
    public static double Of(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
