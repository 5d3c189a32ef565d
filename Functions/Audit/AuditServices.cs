using Microsoft.Extensions.DependencyInjection;

namespace Connectors.Audit;

public static class AuditServices
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AdminAudit>();
        return services;
    }
}
