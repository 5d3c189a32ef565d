namespace Connectors.Reports;

/// <summary>
/// The GSTIN's shape (CGST Rules r.10, Form GST REG-06): two-digit state code, the holder's PAN (5 letters, 4 digits, a
/// letter), the entity number, "Z", a check character. A tax id of this shape makes a supply B2B in GSTR-1.
/// </summary>
public static class Gstin
{
    public static bool IsValid(string? value) =>
        value is { Length: 15 } g && char.IsAsciiDigit(g[0]) && char.IsAsciiDigit(g[1])
        && g[2..7].All(char.IsAsciiLetterUpper) && g[7..11].All(char.IsAsciiDigit) && char.IsAsciiLetterUpper(g[11])
        && UpperOrDigit(g[12]) && g[13] == 'Z' && UpperOrDigit(g[14]);

    static bool UpperOrDigit(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c);
}
