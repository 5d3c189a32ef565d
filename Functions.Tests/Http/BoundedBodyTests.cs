using Connectors.Http;
using Microsoft.AspNetCore.Http;

namespace Connectors.Tests.Http;

public sealed class BoundedBodyTests
{
    static HttpRequest Request(Stream body, long? declared)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = declared;
        return context.Request;
    }

    static byte[] Bytes(int n) => Enumerable.Range(0, n).Select(i => (byte)(i % 251)).ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_of_exactly_the_limit_is_read_whole(bool declared)
    {
        var bytes = Bytes(100_000);
        var body = await BoundedBody.ReadAsync(Request(new MemoryStream(bytes), declared ? bytes.Length : null), bytes.Length, CancellationToken.None);
        Assert.NotNull(body);
        Assert.Equal(bytes, body.Value.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task One_byte_over_the_limit_is_refused(bool declared)
    {
        var bytes = Bytes(100_001);
        Assert.Null(await BoundedBody.ReadAsync(Request(new MemoryStream(bytes), declared ? bytes.Length : null), 100_000, CancellationToken.None));
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_anything_is_read()
    {
        var unread = new NeverRead();
        Assert.Null(await BoundedBody.ReadAsync(Request(unread, 2_000_000), 1024, CancellationToken.None));
        Assert.False(unread.Touched);
    }

    [Fact]
    public async Task An_empty_body_is_empty_not_refused()
    {
        var body = await BoundedBody.ReadAsync(Request(new MemoryStream(), null), 10, CancellationToken.None);
        Assert.NotNull(body);
        Assert.Equal(0, body.Value.Length);
    }

    /// <summary>A body that records whether anyone read it.</summary>
    sealed class NeverRead : MemoryStream
    {
        public bool Touched { get; private set; }
        public override int Read(byte[] buffer, int offset, int count) { Touched = true; return 0; }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) { Touched = true; return ValueTask.FromResult(0); }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) { Touched = true; return Task.FromResult(0); }
    }
}
