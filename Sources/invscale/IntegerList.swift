import ArgumentParser

/// Comma-separated positive integers given to an option ("384,320").
enum IntegerList {
    /// The `count` integers of `text`, or an error naming `option` and what was expected.
    static func parse(_ text: String, count: Int, option: String) throws -> [Int] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.filter { !$0.isWhitespace }) }
        guard values.count == count, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("\(option): expected \(count) comma-separated positive integers, got '\(text)'")
        }
        return values.map { $0! }
    }
}
