using Dapper;
using Npgsql;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Service.Caching;

namespace WuzhongCollector.Service.Catalogue;

/// <summary>Stores the catalogue at start so the API and analysts' SQL see what the service runs with.</summary>
public static class CatalogueStore
{
    public static async Task SaveAsync(NpgsqlDataSource dataSource, IndicatorCatalogue catalogue, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = catalogue.Indicators.Select(i => new
        {
            i.Code, i.NameZh, i.NameEn, i.Unit, Kind = KindText(i.Kind), i.Section, Departments = i.Departments.ToArray(),
            i.PlanText, i.DerivedFrom, i.Formula, i.Note,
        });
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO indicator (code, name_zh, name_en, unit, kind, section, departments, plan_text, derived_from, formula, note)
            VALUES (@Code, @NameZh, @NameEn, @Unit, @Kind, @Section, @Departments, @PlanText, @DerivedFrom, @Formula, @Note)
            ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, unit = excluded.unit,
                kind = excluded.kind, section = excluded.section, departments = excluded.departments, plan_text = excluded.plan_text,
                derived_from = excluded.derived_from, formula = excluded.formula, note = excluded.note
            """, rows, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM indicator_target", transaction: transaction, cancellationToken: cancellationToken));
        var targets = catalogue.Indicators.SelectMany(i => i.Targets.Select(t => new { i.Code, t.Year, Comparator = t.Comparator.ToSymbol(), t.Value }));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO indicator_target (indicator_code, year, comparator, value) VALUES (@Code, @Year, @Comparator, @Value)",
            targets, transaction, cancellationToken: cancellationToken));
        // Names, units and targets are part of answers other instances may keep.
        await FigureChanges.NotifyAsync(connection, transaction, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public static string KindText(IndicatorKind kind) => kind switch
    {
        IndicatorKind.AnnualFlow => "annual-flow",
        IndicatorKind.Stock => "stock",
        IndicatorKind.Cumulative => "cumulative",
        IndicatorKind.Percentage => "percentage",
        _ => "derived",
    };
}
