using Connectors.Hosting.AzureFunctions;
using Microsoft.AspNetCore.Http;

namespace Connectors.Tests.Hosting.AzureFunctions;

/// <summary>Query values read as the local host's minimal-API binding reads them: absent or empty is null, a bad value a 400.</summary>
public sealed class QueryValuesTests
{
    static HttpRequest Request(string query) => new DefaultHttpContext { Request = { QueryString = new QueryString(query) } }.Request;

    [Fact]
    public void Int_reads_an_integer_and_refuses_anything_else()
    {
        Assert.Equal(25, QueryValues.Int(Request("?top=25"), "top"));
        Assert.Equal(-3, QueryValues.Int(Request("?top=-3"), "top"));
        Assert.Null(QueryValues.Int(Request("?other=1"), "top"));
        Assert.Null(QueryValues.Int(Request("?top="), "top"));
        Assert.Equal(5, QueryValues.Int(Request("?top=5&top=9"), "top")); // the first, as minimal APIs bind a scalar
        var e = Assert.Throws<BadHttpRequestException>(() => QueryValues.Int(Request("?top=ten"), "top"));
        Assert.Equal("Query parameter top must be an integer.", e.Message);
        Assert.Throws<BadHttpRequestException>(() => QueryValues.Int(Request("?top=1.5"), "top"));
    }

    [Fact]
    public void Bool_reads_true_or_false_and_refuses_anything_else()
    {
        Assert.True(QueryValues.Bool(Request("?includeTest=true"), "includeTest"));
        Assert.False(QueryValues.Bool(Request("?includeTest=False"), "includeTest"));
        Assert.Null(QueryValues.Bool(Request(""), "includeTest"));
        Assert.Null(QueryValues.Bool(Request("?includeTest="), "includeTest"));
        var e = Assert.Throws<BadHttpRequestException>(() => QueryValues.Bool(Request("?includeTest=yes"), "includeTest"));
        Assert.Equal("Query parameter includeTest must be true or false.", e.Message);
    }

    [Fact]
    public void String_reads_the_first_value_as_sent()
    {
        Assert.Equal("SHOP-1 #2", QueryValues.String(Request("?order=SHOP-1%20%232"), "order"));
        Assert.Equal("", QueryValues.String(Request("?order="), "order"));
        Assert.Null(QueryValues.String(Request("?connection=c1"), "order"));
    }
}
