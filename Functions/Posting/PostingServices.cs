using Connectors.Books;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Posting;

/// <summary>The books and the posting engine: BooksOptions from the "Books" section, the stores, and BooksPoster as the IEventPoster.</summary>
public static class PostingServices
{
    public static IServiceCollection AddPosting(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<BooksOptions>(config.GetSection(BooksOptions.Section));
        // Wrong book settings would post wrong tax: refuse to start, naming the setting.
        services.AddOptions<BooksOptions>().Validate(o => o.Problem() is null, BooksOptions.ValidationMessage).ValidateOnStart();
        services.AddSingleton<VoucherStore>();
        services.AddSingleton<OrderStore>();
        services.AddSingleton<ItemStore>();
        services.AddSingleton<SkuMapStore>();
        services.AddSingleton<CustomerStore>();
        services.AddSingleton<IEventPoster, BooksPoster>();
        services.AddHttpClient();
        return services;
    }
}
