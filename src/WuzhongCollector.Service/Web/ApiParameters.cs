using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace WuzhongCollector.Service.Web;

/// <summary>A parameter type that always binds and carries the reason when its text is bad (<see cref="AsOf"/>).</summary>
public interface IApiParameter
{
    string? Error { get; }
}

/// <summary>
/// The one place where every API parameter is checked, before the handler (and so before any cache or
/// query) runs. From the handler's own signature: a query parameter the endpoint does not take, or one given
/// twice, is refused (a typo must not silently return the default answer); <see cref="AllowedValuesAttribute"/>,
/// <see cref="RangeAttribute"/> and <see cref="MaxLengthAttribute"/> on a parameter are enforced; a string is at
/// most <see cref="DefaultMaxLength"/> characters; an <see cref="IApiParameter"/> with an error is refused; a text
/// field of a JSON body may not hold a NUL, which PostgreSQL cannot store (22021). Each refusal is
/// <see cref="ApiErrors.BadParameter"/>.
/// </summary>
public static class ApiParameters
{
    public const int DefaultMaxLength = 200;

    public static TBuilder WithParameterChecks<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(Create);

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var parameters = context.MethodInfo.GetParameters().Select((p, i) => (Info: p, Index: i)).Where(p => IsFromQueryOrRoute(p.Info))
            .Select(p => new Checked(p.Index, p.Info.Name!, p.Info.GetCustomAttributes<ValidationAttribute>().ToArray()))
            .ToArray();
        var names = parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var isService = context.ApplicationServices.GetService<IServiceProviderIsService>();
        var bodies = context.MethodInfo.GetParameters().Select((p, i) => (Info: p, Index: i))
            .Where(p => IsJsonBody(p.Info, isService))
            .Select(p => (p.Index, p.Info.Name!, Texts: p.Info.ParameterType.GetProperties().Where(t => t.PropertyType == typeof(string) && t.CanRead).ToArray()))
            .ToArray();
        return invocation =>
        {
            var request = invocation.HttpContext.Request;
            foreach (var (key, values) in request.Query)
            {
                if (!names.Contains(key) || request.RouteValues.ContainsKey(key))
                {
                    var taken = parameters.Where(p => !request.RouteValues.ContainsKey(p.Name)).Select(p => p.Name).ToList();
                    return Refuse(key, taken.Count == 0 ? "this endpoint takes no query parameters" : $"unknown parameter; this endpoint takes {string.Join(", ", taken)}");
                }

                if (values.Count > 1)
                {
                    return Refuse(key, "given more than once");
                }
            }

            foreach (var parameter in parameters)
            {
                if (parameter.Problem(invocation.Arguments[parameter.Index]) is { } problem)
                {
                    return Refuse(parameter.Name, problem);
                }
            }

            foreach (var (index, name, texts) in bodies)
            {
                var body = invocation.Arguments[index];
                if (body is not null && texts.FirstOrDefault(t => (t.GetValue(body) as string)?.Contains('\0', StringComparison.Ordinal) == true) is { } field)
                {
                    return Refuse($"{name}.{JsonNamingPolicy.CamelCase.ConvertName(field.Name)}", "a NUL character (\\u0000) is not allowed");
                }
            }

            return next(invocation);
        };
    }

    private static ValueTask<object?> Refuse(string name, string problem) => ValueTask.FromResult<object?>(ApiErrors.BadParameter(name, problem));

    /// <summary>A request body: marked so, or one of this service's own classes that is not a service.</summary>
    private static bool IsJsonBody(ParameterInfo parameter, IServiceProviderIsService? isService) =>
        parameter.GetCustomAttributes().Any(a => a is Microsoft.AspNetCore.Http.Metadata.IFromBodyMetadata)
        || (parameter.ParameterType.IsClass && parameter.ParameterType.Assembly == typeof(ApiParameters).Assembly && isService?.IsService(parameter.ParameterType) != true);

    /// <summary>What minimal APIs bind from the route or query: strings and types with a TryParse, not services or bodies.</summary>
    private static bool IsFromQueryOrRoute(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        var explicitSource = parameter.GetCustomAttributes().Any(a => a is Microsoft.AspNetCore.Http.Metadata.IFromBodyMetadata
            or Microsoft.AspNetCore.Http.Metadata.IFromServiceMetadata or Microsoft.AspNetCore.Http.Metadata.IFromHeaderMetadata
            or Microsoft.AspNetCore.Http.Metadata.IFromFormMetadata or FromKeyedServicesAttribute);
        return !explicitSource && (type == typeof(string) || type.IsPrimitive || type == typeof(decimal)
            || type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]) is not null);
    }

    private sealed record Checked(int Index, string Name, ValidationAttribute[] Rules)
    {
        public string? Problem(object? value)
        {
            if (value is IApiParameter { Error: { } error })
            {
                return error;
            }

            // Absent: whether that is allowed is the signature's business (a default, or a nullable type).
            if (value is null)
            {
                return null;
            }

            if (value is string text && !Rules.Any(r => r is MaxLengthAttribute) && text.Length > DefaultMaxLength)
            {
                return $"longer than {DefaultMaxLength} characters";
            }

            foreach (var rule in Rules)
            {
                if (!rule.IsValid(value))
                {
                    return Describe(rule, value);
                }
            }

            return null;
        }

        private static string Describe(ValidationAttribute rule, object? value) => rule switch
        {
            AllowedValuesAttribute allowed => $"'{value}' is not one of {string.Join(", ", allowed.Values)}",
            RangeAttribute range => $"{Convert.ToString(value, CultureInfo.InvariantCulture)} is not between {range.Minimum} and {range.Maximum}",
            MaxLengthAttribute max => $"longer than {max.Length} characters",
            _ => rule.FormatErrorMessage("value"),
        };
    }
}
