using Connectors.Activity;

namespace Connectors.Tests.Activity;

public sealed class ClipTests
{
    [Theory]
    [InlineData("orders/create", 60, "orders/create")]
    [InlineData("abcdef", 6, "abcdef")]
    [InlineData("abcdefg", 6, "abcde…")]
    [InlineData("", 5, "")]
    public void A_text_that_fits_is_kept_and_a_longer_one_is_cut_to_the_limit_with_a_mark(string text, int max, string expected)
    {
        var clipped = Clip.To(text, max);
        Assert.Equal(expected, clipped);
        Assert.True(clipped.Length <= max);
    }

    [Fact]
    public void Null_stays_null()
    {
        Assert.Null(Clip.To(null, 10));
    }

    [Fact]
    public void A_surrogate_pair_at_the_cut_is_dropped_whole_not_halved()
    {
        // "ab" then U+1F600 (two UTF-16 units) then more: cutting at 3 units would keep half of the pair.
        var text = "ab\U0001F600cdef";
        var clipped = Clip.To(text, 4);
        Assert.Equal("ab…", clipped);
        Assert.DoesNotContain(clipped, char.IsSurrogate);
        // A cut just after the pair keeps it.
        Assert.Equal("ab\U0001F600…", Clip.To(text, 5));
    }

    [Fact]
    public void A_limit_with_no_room_for_text_and_mark_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Clip.To("abc", 1));
    }
}
