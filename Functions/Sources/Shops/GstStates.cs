namespace Connectors.Sources.Shops;

/// <summary>
/// India's GST state codes (the two digits that open a GSTIN) for the region codes shops send: Shopify's province_code,
/// WooCommerce's state (its i18n/states.php codes), ISO 3166-2:IN (which Jumpseller's region_code follows: "ENG" for
/// England, "BE" for Berlin; both the pre- and post-2023 ISO spellings CT/CG, OR/OD, TG/TS, UT/UK), and full names (Selldone's
/// free-text state, Jumpseller's region). Codes of merged or renamed states map
/// to the code GST uses today: Daman and Diu (DD, old 25) and Dadra and Nagar Haveli (DN) to 26 (merged in 2020),
/// Andhra Pradesh to 37 (28 is the pre-2014 undivided state).
/// </summary>
public static class GstStates
{
    /// <summary>
    /// Place of supply of a buyer outside India: GSTN's state code 96, "Other Country", the code GSTR-1 takes for exports.
    /// Such a supply is inter-state (IGST Act s.7(5)(a)) and zero-rated (s.16(1)(a)): posting charges IGST when the shop
    /// charged tax, and posts the line untaxed as a zero-rated export when it did not.
    /// </summary>
    public const string OutsideIndia = "96";

    static readonly Dictionary<string, string> ByCode = new(StringComparer.OrdinalIgnoreCase)
    {
        ["JK"] = "01", // Jammu and Kashmir
        ["HP"] = "02", // Himachal Pradesh
        ["PB"] = "03", // Punjab
        ["CH"] = "04", // Chandigarh
        ["UK"] = "05", ["UT"] = "05", ["UA"] = "05", // Uttarakhand (Shopify/Woo UK, ISO UT, old UA)
        ["HR"] = "06", // Haryana
        ["DL"] = "07", // Delhi
        ["RJ"] = "08", // Rajasthan
        ["UP"] = "09", // Uttar Pradesh
        ["BR"] = "10", // Bihar
        ["SK"] = "11", // Sikkim
        ["AR"] = "12", // Arunachal Pradesh
        ["NL"] = "13", // Nagaland
        ["MN"] = "14", // Manipur
        ["MZ"] = "15", // Mizoram
        ["TR"] = "16", // Tripura
        ["ML"] = "17", // Meghalaya
        ["AS"] = "18", // Assam
        ["WB"] = "19", // West Bengal
        ["JH"] = "20", // Jharkhand
        ["OR"] = "21", ["OD"] = "21", // Odisha
        ["CT"] = "22", ["CG"] = "22", // Chhattisgarh (Woo/ISO CT, Shopify CG)
        ["MP"] = "23", // Madhya Pradesh
        ["GJ"] = "24", // Gujarat
        ["DD"] = "26", ["DN"] = "26", ["DH"] = "26", // Dadra and Nagar Haveli and Daman and Diu
        ["MH"] = "27", // Maharashtra
        ["KA"] = "29", // Karnataka
        ["GA"] = "30", // Goa
        ["LD"] = "31", // Lakshadweep
        ["KL"] = "32", // Kerala
        ["TN"] = "33", // Tamil Nadu
        ["PY"] = "34", // Puducherry
        ["AN"] = "35", // Andaman and Nicobar Islands
        ["TS"] = "36", ["TG"] = "36", // Telangana (Shopify/Woo TS, ISO TG)
        ["AP"] = "37", // Andhra Pradesh
        ["LA"] = "38", // Ladakh
    };

    static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Jammu and Kashmir"] = "01", ["Himachal Pradesh"] = "02", ["Punjab"] = "03", ["Chandigarh"] = "04", ["Uttarakhand"] = "05",
        ["Haryana"] = "06", ["Delhi"] = "07", ["Rajasthan"] = "08", ["Uttar Pradesh"] = "09", ["Bihar"] = "10", ["Sikkim"] = "11",
        ["Arunachal Pradesh"] = "12", ["Nagaland"] = "13", ["Manipur"] = "14", ["Mizoram"] = "15", ["Tripura"] = "16", ["Meghalaya"] = "17",
        ["Assam"] = "18", ["West Bengal"] = "19", ["Jharkhand"] = "20", ["Odisha"] = "21", ["Orissa"] = "21", ["Chhattisgarh"] = "22",
        ["Madhya Pradesh"] = "23", ["Gujarat"] = "24", ["Daman and Diu"] = "26", ["Dadra and Nagar Haveli"] = "26",
        ["Dadra and Nagar Haveli and Daman and Diu"] = "26", ["Maharashtra"] = "27", ["Karnataka"] = "29", ["Goa"] = "30",
        ["Lakshadweep"] = "31", ["Kerala"] = "32", ["Tamil Nadu"] = "33", ["Puducherry"] = "34", ["Pondicherry"] = "34",
        ["Andaman and Nicobar Islands"] = "35", ["Telangana"] = "36", ["Andhra Pradesh"] = "37", ["Ladakh"] = "38",
    };

    /// <summary>The GST state code for an Indian region ("MH", "IN-MH", "Maharashtra", "27"), or null when it is not one.</summary>
    public static string? CodeFor(string? region)
    {
        if (string.IsNullOrWhiteSpace(region)) return null;
        var r = region.Trim();
        if (r.StartsWith("IN-", StringComparison.OrdinalIgnoreCase)) r = r[3..];
        if (r.Length == 2 && char.IsAsciiDigit(r[0]) && char.IsAsciiDigit(r[1]))
            return ByCode.ContainsValue(r) || r is "25" or "28" or "97" or OutsideIndia ? r : null;
        return ByCode.TryGetValue(r, out var code) || ByName.TryGetValue(r.Replace("&", "and"), out code) ? code : null;
    }

    /// <summary>
    /// Place of supply for the canonical event, from one address (the delivery address, else billing: IGST Act s.10(1)(a),
    /// where the movement of the goods ends). India: the GST state code of the first region that is one (codes, ISO
    /// 3166-2:IN, names), null when none is (posting then assumes the home state and says so on the voucher). Another
    /// country: <see cref="OutsideIndia"/>. No country: only a full state name or a GST code is trusted (two-letter
    /// codes are ambiguous across countries: AR, GA, MN are US states too), else null.
    /// </summary>
    public static string? PlaceOfSupply(string? countryCode, params string?[] regions)
    {
        var country = ShopBody.Blank(countryCode);
        if (country is not null && !IsIndia(country)) return OutsideIndia;
        foreach (var region in regions ?? [])
            if ((country is null ? CodeForNameOrNumber(region) : CodeFor(region)) is { } gst) return gst;
        return null;
    }

    static string? CodeForNameOrNumber(string? region) =>
        region?.Trim() is { Length: > 0 } r && (r.All(char.IsAsciiDigit) || r.StartsWith("IN-", StringComparison.OrdinalIgnoreCase) || ByName.ContainsKey(r.Replace("&", "and"))) ? CodeFor(r) : null;

    /// <summary>India as a country code or name ("IN", "IND", "India").</summary>
    public static bool IsIndia(string country) => country.Trim() is var c && (c.Equals("IN", StringComparison.OrdinalIgnoreCase) || c.Equals("IND", StringComparison.OrdinalIgnoreCase) || c.Equals("India", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether a tax line's title names a cess (Shopify tax_lines[].title, WooCommerce tax_lines[].label or rate_code):
    /// "Compensation Cess", "GST Cess", "Cess". India's Compensation Cess is levied beside GST under the GST (Compensation
    /// to States) Act 2017 (s.8) and is returned and accounted for separately, so it is never folded into CGST/SGST.
    /// </summary>
    public static bool IsCess(string? title) =>
        title is not null && System.Text.RegularExpressions.Regex.IsMatch(title, @"(^|[^A-Za-z])cess([^A-Za-z]|$)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
}
