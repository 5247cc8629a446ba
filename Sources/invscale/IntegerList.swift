import ArgumentParser

/// Comma-separated integers given to an option ("384,320", "8,256,256").
enum IntegerList {
    /// The `count` positive integers of `text`, or an error naming `option` and what was expected.
    static func parse(_ text: String, count: Int, option: String) throws -> [Int] {
        try parse(text, counts: [count], minimum: 1, option: option)
    }

    /// The integers of `text`, as many as one of `counts`, each ≥ `minimum`; or an error naming
    /// `option` and what was expected.
    static func parse(_ text: String, counts: [Int], minimum: Int, option: String) throws -> [Int] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.filter { !$0.isWhitespace }) }
        guard counts.contains(values.count), values.allSatisfy({ ($0 ?? minimum - 1) >= minimum }) else {
            let how = counts.map(String.init).joined(separator: " or ")
            let kind = minimum == 1 ? "positive integers" : "integers ≥ \(minimum)"
            throw ValidationError("\(option): expected \(how) comma-separated \(kind), got '\(text)'")
        }
        return values.map { $0! }
    }
}
