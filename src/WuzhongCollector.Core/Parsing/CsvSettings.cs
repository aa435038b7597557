namespace WuzhongCollector.Core.Parsing;

/// <summary>A CSV file's dialect, as a source file's <c>file:</c> block sets it.</summary>
public sealed record CsvSettings(string Encoding = "auto", char Delimiter = ',', char Quote = '"', int HeaderRow = 1);
