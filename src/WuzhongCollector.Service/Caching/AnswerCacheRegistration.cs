namespace WuzhongCollector.Service.Caching;

public static class AnswerCacheRegistration
{
    public static IServiceCollection AddAnswerCache(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AnswerCacheOptions, AnswerCacheOptionsValidator>().BindConfiguration(AnswerCacheOptions.SectionName);
        services.AddSingleton<AnswerCache>();
        services.AddHostedService<FigureChangeListener>();
        return services;
    }
}
