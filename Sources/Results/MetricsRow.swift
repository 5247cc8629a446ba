/// One row of a run's per-rank CSV, read back: its numeric fields by column (empty fields absent).
public struct MetricsRow: Sendable {
    public let values: [MetricsColumn: Double]

    public subscript(column: MetricsColumn) -> Double? { values[column] }

    /// The rows of a CSV text with a header line; columns this version does not know are ignored.
    public static func parse(csv: String) -> [MetricsRow] {
        let lines = csv.split(whereSeparator: \.isNewline)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false)
            .map({ MetricsColumn(rawValue: String($0)) }) else { return [] }
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            var values: [MetricsColumn: Double] = [:]
            for (column, field) in zip(header, fields) {
                if let column, let value = Double(field) { values[column] = value }
            }
            return MetricsRow(values: values)
        }
    }
}
