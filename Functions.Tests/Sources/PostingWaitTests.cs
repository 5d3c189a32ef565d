using Connectors.Sources;
using Microsoft.AspNetCore.Http;

namespace Connectors.Tests.Sources;

public sealed class PostingWaitTests
{
    static TimeSpan? Parse(params string[] prefer)
    {
        var headers = new HeaderDictionary();
        if (prefer.Length > 0) headers["Prefer"] = prefer;
        return PostingWait.Requested(headers);
    }

    [Fact]
    public void The_wait_preference_is_read_among_others_and_capped()
    {
        Assert.Null(Parse());
        Assert.Equal(TimeSpan.FromSeconds(5), Parse("wait=5"));
        Assert.Equal(TimeSpan.FromSeconds(3), Parse("respond-async; WAIT=3"));
        Assert.Equal(TimeSpan.FromSeconds(2), Parse("return=minimal", "wait=2"));
        Assert.Equal(PostingWait.Max, Parse("wait=600"));
        Assert.Null(Parse("wait=0"));
        Assert.Null(Parse("wait=soon"));
        Assert.Null(Parse("respond-async"));
    }
}
