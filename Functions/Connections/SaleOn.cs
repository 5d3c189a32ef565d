namespace Connectors.Connections;

/// <summary>Connection.SaleOn's values: which event creates the sale (a platform that has the setting names its default).</summary>
public static class SaleOn
{
    public const string Create = "create";
    public const string Paid = "paid";

    public static bool IsValid(string value) => value is Create or Paid;
}
