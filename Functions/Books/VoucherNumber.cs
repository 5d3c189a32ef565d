namespace Connectors.Books;

/// <summary>SV/26-27/000001: series / financial year / six-digit sequence; parsed back to its table keys.</summary>
public static class VoucherNumber
{
    public static string Format(string series, string fy, long sequence) => $"{series}/{fy}/{sequence:D6}";

    public static string RowKey(long sequence) => sequence.ToString("D6");

    public static bool TryParse(string number, out string series, out string fy, out string rowKey)
    {
        series = fy = rowKey = "";
        var parts = number.Split('/');
        if (parts.Length != 3 || parts[0].Length is 0 or > 4 || parts[1].Length is 0 or > 5 || parts[2].Length < 6 || !parts[2].All(char.IsAsciiDigit)
            || !parts[0].All(char.IsAsciiLetterUpper) || !parts[1].All(c => char.IsAsciiDigit(c) || c == '-')) return false;
        (series, fy, rowKey) = (parts[0], parts[1], parts[2]);
        return true;
    }
}
