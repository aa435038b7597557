namespace WuzhongCollector.Service.Collection.Connectors;

public static class FileSourceRegistration
{
    /// <summary>CSV and Excel department exports, from a path or a drop folder.</summary>
    public static IServiceCollection AddFileSources(this IServiceCollection services)
    {
        services.AddSingleton<DropFolder>();
        services.AddSingleton<ISourceConnector, CsvFileConnector>();
        services.AddSingleton<ISourceConnector, ExcelFileConnector>();
        return services;
    }
}
