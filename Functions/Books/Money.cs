namespace Connectors.Books;

/// <summary>Rounding to the currency's minor unit, half away from zero (the books' only rounding rule).</summary>
public sealed class Money(string currency)
{
    public string Currency { get; } = currency.ToUpperInvariant();

    /// <summary>ISO 4217 minor units: two decimals unless the currency is one of the few with none or three.</summary>
    public int Decimals { get; } = currency.ToUpperInvariant() switch
    {
        "JPY" or "KRW" or "CLP" or "VND" or "ISK" or "UGX" or "XAF" or "XOF" or "PYG" or "RWF" => 0,
        "BHD" or "KWD" or "OMR" or "JOD" or "TND" or "LYD" or "IQD" => 3,
        _ => 2,
    };

    public decimal Round(decimal amount) => decimal.Round(amount, Decimals, MidpointRounding.AwayFromZero);

    /// <summary>The smallest amount: 0.01 for two decimals.</summary>
    public decimal MinorUnit => 1m / (decimal)Math.Pow(10, Decimals);
}
