using Connectors.Sources.Fields;

namespace Connectors.Tests.Sources;

public sealed class PayloadFieldsTests
{
    [Theory]
    [InlineData("2023-02-10 13:56:35 UTC", "2023-02-10T13:56:35+00:00")]
    [InlineData("2026-06-30T22:30:00Z", "2026-06-30T22:30:00+00:00")]
    [InlineData("2026-06-30T22:30:00.123+00:00", "2026-06-30T22:30:00.123+00:00")]
    [InlineData("2026-06-30T22:30:00+02:00", null)]
    [InlineData("2008-01-10T11:00:00-05:00", null)]
    [InlineData("2026-06-30", null)]
    [InlineData("soon", null)]
    public void Only_a_timestamp_written_in_UTC_gives_a_moment_to_date_in_the_books_time_zone(string timestamp, string? expected) =>
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), PayloadFields.UtcInstant(timestamp));
}
