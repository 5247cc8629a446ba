import FoundationEssentials
import Yams
#if canImport(Glibc)
import Glibc
#endif

/// One YAML file being read: turns its nodes into values and its mistakes into `ConfigError`s
/// that carry the file name and the node's line.
struct YAMLSource {
    /// The file name used in errors.
    let file: String

    /// The text of the file at `path`.
    static func read(path: String) throws -> String {
        do {
            return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            let posix = ((error as? CocoaError)?.underlying as? POSIXError).map { String(cString: strerror($0.code.rawValue)) }
            throw ConfigError(file: path, line: nil, field: "", "cannot read file (\(posix ?? "\(error)"))")
        }
    }

    /// The documents of `text` (a leading byte-order mark is skipped; `---` lines separate
    /// documents); YAML syntax errors, duplicate keys and texts that expand beyond `AliasBudget`'s
    /// limits become errors at their line, and a text without any document is an error.
    func documents(_ text: String, expected: String) throws -> [Node] {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
        try AliasBudget.check(text, file: file)
        var roots: [Node] = []
        do {
            var sequence = try Yams.compose_all(yaml: text)
            // An empty document (a trailing `---`, or one holding only comments) adds nothing.
            while let root = sequence.next() {
                if root.scalar?.string.isEmpty != true { roots.append(root) }
            }
            if let error = sequence.error { throw error }
        } catch let error as YamlError {
            throw syntaxError(error)
        }
        guard !roots.isEmpty else { throw ConfigError(file: file, line: 1, field: "", "empty file; expected \(expected)") }
        return roots
    }

    /// The top-level keys of the one document of `text` and their values (see `topLevel(of:)`); a
    /// second document is an error at its line.
    func topLevel(_ text: String, expected: String, known: [String]) throws -> [String: Node] {
        let roots = try documents(text, expected: expected)
        if roots.count > 1 { throw fail(roots[1], "", "a second YAML document ('---'); expected one document, \(expected)") }
        return try topLevel(of: roots[0], expected: expected, known: known)
    }

    /// The keys of the mapping `root` and their values; a key not in `known` is an error (with a
    /// did-you-mean) at its line.
    func topLevel(of root: Node, expected: String, known: [String]) throws -> [String: Node] {
        guard let mapping = root.mapping else { throw fail(root, "", "expected \(expected)") }
        var nodes = [String: Node]()
        for (keyNode, value) in mapping {
            let key = try self.key(keyNode, field: "")
            guard known.contains(key) else { throw unknownKey(key, at: keyNode, field: key, known: known, what: "key") }
            nodes[key] = value
        }
        return nodes
    }

    /// An error about `field` at the line of `node` (line 1 when the node has no position).
    func fail(_ node: Node?, _ field: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line ?? 1, field: field, message)
    }

    /// An error for a key of a mapping that is not one of `known`, with a suggestion.
    func unknownKey(_ key: String, at node: Node, field: String, known: [String], what: String) -> ConfigError {
        fail(node, field, "unknown \(what) '\(key)'; expected one of \(known.joined(separator: ", "))"
             + Suggestion.didYouMean(key, among: known))
    }

    /// The text of a mapping key.
    func key(_ node: Node, field: String) throws -> String {
        guard let scalar = node.scalar else { throw fail(node, field, "expected a plain key, got a \(shape(node))") }
        return scalar.string
    }

    /// The elements of a sequence node.
    func sequence(_ node: Node, _ field: String, expected: String) throws -> [Node] {
        guard let sequence = node.sequence else { throw fail(node, field, "expected \(expected), got \(describe(node))") }
        return Array(sequence)
    }

    /// The value of a scalar or (nested) sequence node; mappings are refused.
    func value(_ node: Node, _ field: String) throws -> ParameterValue {
        switch node {
        case .sequence(let sequence):
            return .list(try sequence.map { try value($0, field) })
        case .scalar(let scalar):
            switch node.tagName {
            case .null: return .null
            case .bool: return node.bool.map(ParameterValue.bool) ?? .string(scalar.string)
            case .int:
                return .int(try integer(scalar, node, field))
            case .float: return node.float.map(ParameterValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        default:
            throw fail(node, field, "expected a value or a list of values, got a \(shape(node))")
        }
    }

    /// The value of a scalar tagged int: YAML's forms (`64`, `0x40`, `0o100`), also when quoted under
    /// an explicit `!!int` tag; out-of-range numbers and text that is no integer are refused.
    private func integer(_ scalar: Node.Scalar, _ node: Node, _ field: String) throws -> Int {
        if let int = node.int { return int }
        let text = scalar.string.filter { $0 != "_" }
        if let int = Int(text) ?? Node(text).int { return int }
        let digits = text.drop { "+-".contains($0) }
        if !digits.isEmpty, digits.allSatisfy(\.isNumber) {
            throw fail(node, field, "integer \(scalar.string) is out of range; expected \(Int.min)...\(Int.max)")
        }
        throw fail(node, field, "expected an integer for the !!int tag, got '\(scalar.string)'")
    }

    /// An int scalar of at least `minimum` (and at most `maximum`).
    func int(_ node: Node, _ field: String, minimum: Int, maximum: Int = .max) throws -> Int {
        let expected = maximum == .max ? "an int ≥ \(minimum)" : "an int in \(minimum)...\(maximum)"
        guard case .int(let number) = try value(node, field) else {
            throw fail(node, field, "expected \(expected), got \(describe(node))")
        }
        guard (minimum...maximum).contains(number) else { throw fail(node, field, "expected \(expected), got \(number)") }
        return number
    }

    /// A bool scalar (`true`/`false`, any capitalisation YAML accepts).
    func bool(_ node: Node, _ field: String) throws -> Bool {
        guard case .bool(let flag) = try value(node, field) else {
            throw fail(node, field, "expected true or false, got \(describe(node))")
        }
        return flag
    }

    /// A scalar's text, whatever YAML type it resolves to (`10` stays "10"); null and collections are refused.
    func text(_ node: Node, _ field: String) throws -> String {
        guard let scalar = node.scalar, node.tagName != .null else {
            throw fail(node, field, "expected a string, got \(describe(node))")
        }
        return scalar.string
    }

    /// "int 5", "string 'x'", "a list", "a mapping" — what a node holds, for error messages.
    func describe(_ node: Node) -> String {
        guard node.scalar != nil, let value = try? value(node, "") else { return "a \(shape(node))" }
        return value.typedDescription
    }

    private func shape(_ node: Node) -> String {
        switch node {
        case .scalar: "value"
        case .sequence: "list"
        case .mapping: "mapping"
        case .alias: "alias"
        }
    }

    private func syntaxError(_ error: YamlError) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, field: "", "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(file: file, line: context.mark.line, field: duplicates.joined(separator: ", "),
                               "key given twice in the same mapping; expected each key once")
        default:
            // Yams adds the offending line and a caret on further lines; the first line says it all.
            let first = "\(error)".split(separator: "\n").first.map { $0.hasSuffix(":") ? String($0.dropLast()) : String($0) }
            return ConfigError(file: file, line: 1, field: "", "invalid YAML: \(first ?? "\(error)")")
        }
    }
}

extension Node {
    /// The resolved tag (`Tag.name` is internal to Yams).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
