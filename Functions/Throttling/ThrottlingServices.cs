using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connectors.Throttling;

public static class ThrottlingServices
{
    /// <summary>The limiter of failed authentications, with its settings from the "Throttle" section (validated at start).</summary>
    public static IServiceCollection AddThrottling(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<ThrottleOptions>().Bind(config.GetSection(ThrottleOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ThrottleOptions>, ThrottleOptions.Check>();
        services.AddSingleton<FailedAuthentications>();
        return services;
    }
}
