import CYaml

/// Bounds the tree a YAML text expands to before it is composed: YAML aliases repeat their anchor's
/// node, so a screenful of nested aliases ("billion laughs") can stand for billions of nodes, and
/// deeply nested collections overflow the stack of the code that walks them.
///
/// The check reads libyaml's events (linear in the text) and adds up the nodes of the expanded
/// tree, an alias counting the nodes of its anchor; it stops at the first node beyond
/// `maxNodes` or deeper than `maxDepth`. Syntax errors are left to the composer, which reports them
/// with their line.
enum AliasBudget {
    /// The most nodes (scalars and collections, aliases expanded) a configuration may hold.
    static let maxNodes = 100_000
    /// The deepest nesting of collections (aliases expanded) a configuration may hold.
    static let maxDepth = 64

    /// An open collection: its anchor, the expanded nodes so far (itself included) and the height
    /// of its tallest child.
    private struct Frame {
        let anchor: String?
        var nodes = 1
        var childHeight = 0
    }

    /// Throws a `ConfigError` naming `file` and the line where `text`'s expanded tree grows beyond
    /// the limits.
    static func check(_ text: String, file: String) throws {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var anchors = [String: (nodes: Int, height: Int)]()
            var open = [Frame]()
            var total = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                var node: (nodes: Int, height: Int), anchor: String?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    (node, anchor) = ((1, 1), name(event.data.scalar.anchor))
                case YAML_ALIAS_EVENT:
                    (node, anchor) = (anchors[name(event.data.alias.anchor) ?? ""] ?? (1, 1), nil)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor
                        : event.data.mapping_start.anchor
                    open.append(Frame(anchor: name(anchor)))
                    total += 1
                    try limit(total: total, depth: open.count, line: line, file: file)
                    continue
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = open.popLast() else { return }
                    (node, anchor) = ((frame.nodes, frame.childHeight + 1), frame.anchor)
                    total -= frame.nodes  // counted as they came; added again below as one node
                default:
                    continue
                }
                if let anchor { anchors[anchor] = node }
                total += node.nodes
                try limit(total: total, depth: open.count + node.height, line: line, file: file)
                if !open.isEmpty {
                    open[open.count - 1].nodes += node.nodes
                    open[open.count - 1].childHeight = max(open[open.count - 1].childHeight, node.height)
                }
            }
        }
    }

    private static func limit(total: Int, depth: Int, line: Int, file: String) throws {
        if total > maxNodes {
            throw ConfigError(file: file, line: line, field: "",
                              "the file expands to more than \(maxNodes) values (aliases repeat their anchor's values); expected a smaller configuration")
        }
        if depth > maxDepth {
            throw ConfigError(file: file, line: line, field: "",
                              "lists and mappings nested more than \(maxDepth) levels deep (aliases included); expected a flatter configuration")
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: $0) }
    }
}
