using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Metrics.Tests.Shared.Focus;

/// <summary>
/// FOCUS 1.2's machine-readable rules (the FOCUS validator's <c>model-1.2.json</c>, MIT, in this folder with its licence)
/// evaluated over a dataset, the way the validator does: from the CostAndUsage root, every rule reached through
/// <c>CheckModelRule</c> whose applicability criteria the provider meets; a rule's row filter is its own condition and
/// its ancestors'; MAY, SHOULD and RECOMMENDED rules and rules without a machine-readable check (<c>Dynamic</c>) are not
/// evaluated. Each check function follows the validator's SQL (focus_to_duckdb_converter.py), null handling included,
/// with two deliberate differences, both stricter and both what the specification's text says: a condition "column is
/// not value" holds on a null cell (the validator's SQL drops those rows, so "ChargeClass is not Correction" would skip
/// every row whose ChargeClass is null, which is every ordinary usage row), and <c>ColumnByColumnEqualsColumnValue</c>
/// multiplies in decimal arithmetic (the validator compares doubles).
/// </summary>
public sealed class FocusRulesModel
{
    private const string Root = "CostAndUsage-D-000-M";

    private static readonly Regex Numeric = new(@"^[+-]?([0-9]*[.])?[0-9]+([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant);
    private static readonly Regex DateTimeUtc = new(@"^[0-9]{4}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z?$");
    private static readonly Regex Currency = new("^[A-Z]{3}$");
    private static readonly Regex Unit = UnitFormat();

    private readonly JsonObject _rules;
    private readonly HashSet<string> _currencies;
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);

    private FocusRulesModel(JsonObject model, HashSet<string> currencies)
    {
        _rules = model["ModelRules"]!.AsObject();
        _currencies = currencies;
        foreach ((string _, JsonNode? rule) in _rules)
        {
            JsonNode? requirement = rule!["ValidationCriteria"]!["Requirement"];
            if ((string?)rule["Function"] == "Type" && requirement?["ColumnName"] is { } column)
            {
                _types[(string)column!] = (string)requirement["CheckFunction"]!;
            }
        }
    }

    /// <summary>The model and currency list copied into tests/Shared/Focus.</summary>
    public static FocusRulesModel Load()
    {
        string folder = RepoPaths.Combine("tests", "Shared", "Focus");
        JsonObject model = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model-1.2.json")))!.AsObject();
        HashSet<string> currencies = File.ReadAllLines(Path.Combine(folder, "currency_codes.csv"))
            .Skip(1)
            .Select(l => l.Split(',')[1].Trim())
            .ToHashSet(StringComparer.Ordinal);
        return new FocusRulesModel(model, currencies);
    }

    /// <summary>The check function of the column's type rule (TypeDecimal, TypeString, TypeDateTime), if it has one.</summary>
    public string? TypeOf(string column) => _types.GetValueOrDefault(column);

    /// <summary>Every MUST and MUST NOT rule that applies to a provider meeting <paramref name="criteria"/>, evaluated.</summary>
    public FocusRulesResult Evaluate(FocusTable table, IReadOnlySet<string> criteria)
    {
        var run = new Run(this, table, criteria);
        run.Rule(Root, []);
        return new FocusRulesResult(run.Outcomes);
    }

    private sealed class Run(FocusRulesModel model, FocusTable table, IReadOnlySet<string> criteria)
    {
        public SortedDictionary<string, string?> Outcomes { get; } = new(StringComparer.Ordinal);

        /// <summary>True unless the rule is evaluated and fails; records MUST rules' outcomes (null: passed).</summary>
        public bool Rule(string id, IReadOnlyList<JsonNode> conditions)
        {
            JsonNode rule = model._rules[id] ?? throw new InvalidOperationException($"no rule {id}");
            if (rule["ApplicabilityCriteria"]!.AsArray().Any(c => !criteria.Contains((string)c!)))
            {
                return true;
            }

            JsonNode validation = rule["ValidationCriteria"]!;
            string keyword = (string)validation["Keyword"]!;
            if ((string?)rule["Type"] != "Static" || keyword is not ("MUST" or "MUST NOT"))
            {
                return true;
            }

            List<JsonNode> scope = [.. conditions];
            if (validation["Condition"] is JsonObject { Count: > 0 } own)
            {
                scope.Add(own);
            }

            string? failure = Check(validation["Requirement"]!, scope);
            // A rule reached along two paths fails if it fails along either.
            if (!Outcomes.TryGetValue(id, out string? earlier) || earlier is null)
            {
                Outcomes[id] = failure;
            }

            return failure is null;
        }

        /// <summary>Null when the requirement holds on every row in scope, else why not.</summary>
        private string? Check(JsonNode requirement, List<JsonNode> scope)
        {
            string function = (string)requirement["CheckFunction"]!;
            if (function is "AND" or "OR" && requirement["Items"]!.AsArray().Any(i => !RowLevel(i!)))
            {
                string?[] items = requirement["Items"]!.AsArray().Select(i => Check(i!, scope)).ToArray();
                return function == "AND" ? items.FirstOrDefault(f => f is not null)
                    : items.All(f => f is not null) ? string.Join("; and ", items)
                    : null;
            }

            switch (function)
            {
                case "CheckModelRule":
                    string child = (string)requirement["ModelRuleId"]!;
                    return Rule(child, scope) ? null : $"{child} fails";
                case "ColumnPresent":
                    string column = (string)requirement["ColumnName"]!;
                    return table.Has(column) ? null : $"column {column} is missing";
                case "CheckDistinctCount":
                    return DistinctCount(requirement, scope);
            }

            string[] missing = Columns(requirement).Where(c => !table.Has(c)).ToArray();
            if (missing.Length > 0)
            {
                return $"column {string.Join(", ", missing)} is missing";
            }

            int violations = table.Rows.Count(r => scope.All(c => Holds(c, r)) && Violates(requirement, r));
            return violations == 0 ? null : $"{violations} row(s) violate {requirement.ToJsonString()}";
        }

        private string? DistinctCount(JsonNode requirement, List<JsonNode> scope)
        {
            string a = (string)requirement["ColumnAName"]!,
                b = (string)requirement["ColumnBName"]!;
            int expected = (int)requirement["ExpectedCount"]!;
            if (!table.Has(a) || !table.Has(b))
            {
                return $"column {a} or {b} is missing";
            }

            string[] wrong = table
                .Rows.Where(r => scope.All(c => Holds(c, r)))
                .GroupBy(r => Text(r[a]))
                .Where(g => g.Select(r => r[b]).Where(v => v is not null).Select(Text).Distinct().Count() != expected)
                .Select(g => g.Key ?? "null")
                .ToArray();
            return wrong.Length == 0 ? null : $"{a} {string.Join(", ", wrong)} do not have exactly {expected} {b}";
        }

        /// <summary>A condition: true only when it certainly holds (SQL's NULL counts as false).</summary>
        private bool Holds(JsonNode condition, IReadOnlyDictionary<string, object?> row)
        {
            string function = (string)condition["CheckFunction"]!;
            return function switch
            {
                "AND" => condition["Items"]!.AsArray().All(i => Holds(i!, row)),
                "OR" => condition["Items"]!.AsArray().Any(i => Holds(i!, row)),
                "CheckValue" => condition["Value"] is null
                    ? Cell(row, condition, "ColumnName") is null
                    : Cell(row, condition, "ColumnName") is { } v && Equal(v, condition["Value"]),
                "CheckNotValue" => condition["Value"] is null
                    ? Cell(row, condition, "ColumnName") is not null
                    : Cell(row, condition, "ColumnName") is not { } v || !Equal(v, condition["Value"]),
                "CheckSameValue" => Both(row, condition) is ({ } a, { } b) && Text(a) == Text(b),
                "CheckNotSameValue" => Both(row, condition) is ({ } a, { } b) && Text(a) != Text(b),
                _ => throw new NotSupportedException($"condition {function}"),
            };
        }

        /// <summary>A row-level requirement: true when the row certainly breaks it (SQL's NULL counts as no violation).</summary>
        private bool Violates(JsonNode requirement, IReadOnlyDictionary<string, object?> row)
        {
            string function = (string)requirement["CheckFunction"]!;
            object? cell = requirement["ColumnName"] is null ? null : Cell(row, requirement, "ColumnName");
            JsonNode? value = requirement["Value"];
            return function switch
            {
                "AND" => requirement["Items"]!.AsArray().Any(i => Violates(i!, row)),
                "OR" => requirement["Items"]!.AsArray().All(i => Violates(i!, row)),
                "CheckValue" => value is null ? cell is not null : cell is not null && !Equal(cell, value),
                "CheckNotValue" => value is null ? cell is null : cell is not null && Equal(cell, value),
                "CheckSameValue" => Both(row, requirement) is ({ } a, { } b) && Text(a) != Text(b),
                "CheckGreaterOrEqualThanValue" => cell is not null && (cell is not decimal d || d < (decimal)value!),
                "ColumnByColumnEqualsColumnValue" => Product(row, requirement),
                "TypeString" => cell is not null and not string,
                "TypeDecimal" or "CheckDecimalValue" => cell is not null and not decimal,
                "TypeDateTime" => cell is not null and not DateTime && !DateTimeUtc.IsMatch(Text(cell)!),
                "FormatDateTime" => cell is not null and not DateTime
                    && !(cell is string s && DateTimeUtc.IsMatch(s) && DateTime.TryParse(s, CultureInfo.InvariantCulture, out _)),
                "FormatNumeric" => cell is not null && !Numeric.IsMatch(Text(cell)!.Trim()),
                "FormatString" => cell is not null && !Text(cell)!.All(char.IsAscii),
                "FormatCurrency" => cell is not null && !Currency.IsMatch(Text(cell)!.Trim()),
                "CheckNationalCurrency" => cell is not null && !model._currencies.Contains(Text(cell)!.Trim()),
                "FormatUnit" => cell is not null && !Unit.IsMatch(Text(cell)!),
                "FormatKeyValue" => cell is not null && !KeyValue(Text(cell)!),
                _ => throw new NotSupportedException($"requirement {function}"),
            };
        }

        private static bool RowLevel(JsonNode check) =>
            (string)check["CheckFunction"]! switch
            {
                "CheckModelRule" or "ColumnPresent" or "CheckDistinctCount" => false,
                "AND" or "OR" => check["Items"]!.AsArray().All(i => RowLevel(i!)),
                _ => true,
            };

        private static IEnumerable<string> Columns(JsonNode check) =>
            check is JsonObject o
                ? o.Where(kv => kv.Key.EndsWith("Name", StringComparison.Ordinal) && kv.Value is JsonValue)
                    .Select(kv => (string)kv.Value!)
                    .Concat(o["Items"]?.AsArray().SelectMany(i => Columns(i!)) ?? [])
                : [];

        private static object? Cell(IReadOnlyDictionary<string, object?> row, JsonNode check, string key) =>
            row.GetValueOrDefault((string)check[key]!);

        private static (object?, object?) Both(IReadOnlyDictionary<string, object?> row, JsonNode check) =>
            (Cell(row, check, "ColumnAName"), Cell(row, check, "ColumnBName"));

        private static bool Product(IReadOnlyDictionary<string, object?> row, JsonNode check) =>
            (Cell(row, check, "ColumnAName"), Cell(row, check, "ColumnBName"), Cell(row, check, "ResultColumnName")) switch
            {
                (null, _, _) or (_, null, _) or (_, _, null) => false,
                (decimal a, decimal b, decimal r) => a * b != r,
                _ => true,
            };

        private static bool Equal(object cell, JsonNode? value) =>
            value!.GetValueKind() == JsonValueKind.Number
                ? cell is decimal d && d == value.GetValue<decimal>()
                : Text(cell) == value.GetValue<string>();

        private static bool KeyValue(string text)
        {
            try
            {
                return JsonNode.Parse(text) is JsonObject;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    private static string? Text(object? cell) =>
        cell switch
        {
            null => null,
            decimal d => d.ToString(CultureInfo.InvariantCulture),
            DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            _ => Convert.ToString(cell, CultureInfo.InvariantCulture),
        };

    /// <summary>The validator's FOCUS unit format (FormatUnitGenerator).</summary>
    private static Regex UnitFormat()
    {
        const string size = "b|Kb|Mb|Gb|Tb|Pb|Eb|B|KB|MB|GB|TB|PB|EB|Kib|Mib|Gib|Tib|Pib|Eib|KiB|MiB|GiB|TiB|PiB|EiB";
        const string one = "Year|Month|Day|Hour|Minute|Second";
        const string many = "Years|Months|Days|Hours|Minutes|Seconds";
        const string count = @"[A-Za-z][A-Za-z0-9]*(?:\s+[A-Za-z][A-Za-z0-9]*)*";
        string[] patterns =
        [
            $"^({size}|{one}|{many}|{count})$",
            $"^({size}|{count})-({many})$",
            $"^({size}|{count}|{many})/({one})$",
            $"^[0-9]+ ({size}|{one}|{many}|{count})$",
            $"^({size}|{count}|{many})/[0-9]+ ({many})$",
        ];
        return new Regex(string.Join('|', patterns.Select(p => $"({p})")), RegexOptions.CultureInvariant);
    }
}
