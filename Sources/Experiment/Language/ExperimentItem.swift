import Yams

/// One grid axis of an item: the parameters it sets (several for a zipped key such as
/// `slurm_gres, slurm_ntasks_per_node: [[…], […]]`) and the rows of values they take together.
/// A single value is an axis with one row.
public struct ParameterAxis: Sendable, Equatable {
    /// The parameter names, in the order the key lists them.
    public let names: [String]
    /// One row per grid point; each row holds one canonical value per name.
    public let rows: [[ParameterValue]]
    /// The file line of each row.
    public let rowLines: [Int]
}

/// An entry of `objective:`, `dataset:` or `solver:`: a catalog name and its parameter axes in
/// file order.
public struct ExperimentItem: Sendable, Equatable {
    /// The catalog name (`tomography_2d`, `PnP`).
    public let name: String
    /// Objective, dataset or solver.
    public let kind: ComponentKind
    /// The line of the name in the file.
    public let line: Int
    /// The axes in file order; the grid of the item is their Cartesian product.
    public let axes: [ParameterAxis]

    /// The catalog entry of this item (items are only made for known names).
    var spec: ComponentSpec { ParameterCatalog.component(kind, named: name)! }
}

extension ExperimentItem {
    /// Reads `- name` or `- name: {parameter: value-or-list, "a, b": [[row], …]}`.
    init(_ node: Node, kind: ComponentKind, source: YAMLSource) throws {
        let field = kind.rawValue
        let nameNode: Node, parametersNode: Node?
        if node.scalar != nil {
            (nameNode, parametersNode) = (node, nil)
        } else if let mapping = node.mapping, mapping.count == 1, let entry = mapping.first {
            (nameNode, parametersNode) = (entry.key, entry.value)
        } else {
            throw source.fail(node, field, "expected a name or a one-key mapping 'name: {parameter: value}', got \(source.describe(node))")
        }
        let name = try source.text(nameNode, field), line = nameNode.mark?.line ?? 1
        guard let spec = ParameterCatalog.component(kind, named: name) else {
            if name.contains("[") {
                throw source.fail(nameNode, field, "the 'name[parameter=value]' form is not supported; write '- \(name.prefix { $0 != "[" }): {parameter: value}'")
            }
            throw source.unknownKey(name, at: nameNode, field: field, known: ParameterCatalog.components(kind).map(\.name),
                                    what: kind.rawValue)
        }
        guard let parametersNode, parametersNode.tagName != .null else {
            self.init(name: name, kind: kind, line: line, axes: [])
            return
        }
        guard let parameters = parametersNode.mapping else {
            throw source.fail(parametersNode, "\(field).\(name)", "expected a mapping of parameters, got \(source.describe(parametersNode))")
        }
        var seen = [String: Int]()
        let axes = try parameters.map { key, value in
            let axis = try ParameterAxis(key: key, value: value, spec: spec, source: source)
            for parameter in axis.names {
                if let earlier = seen[parameter] {
                    throw source.fail(key, "\(field).\(name).\(parameter)", "parameter given twice (also on line \(earlier)); expected it once")
                }
                seen[parameter] = key.mark?.line ?? 1
            }
            return axis
        }
        self.init(name: name, kind: kind, line: line, axes: axes)
    }
}

extension ParameterAxis {
    /// Reads one `key: value` of an item's parameters. A list is an axis (one row per element),
    /// except a list of scalars for an int-or-int-list parameter (`patch_size: [8, 256, 256]`),
    /// which is one value; such a parameter varies with a list holding lists
    /// (`patch_size: [[64], [128]]` or `[64, [8, 256, 256]]`). A key naming several parameters
    /// zips them: its value is a list of rows with one value per name.
    init(key: Node, value: Node, spec: ComponentSpec, source: YAMLSource) throws {
        let item = "\(spec.kind.rawValue).\(spec.name)"
        let keyText = try source.key(key, field: item)
        let names = keyText.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        let parameters = try names.map { parameterName in
            guard let parameter = spec.parameter(named: parameterName) else {
                throw source.unknownKey(parameterName, at: key, field: "\(item).\(parameterName)",
                                        known: spec.parameters.map(\.name), what: "\(spec.name) parameter")
            }
            return parameter
        }
        let rowNodes: [(node: Node, cells: [Node])]
        if parameters.count == 1 {
            let parameter = parameters[0], field = "\(item).\(parameter.name)"
            if value.sequence != nil, !parameter.type.takesListAsValue(try source.value(value, field).listValue ?? []) {
                rowNodes = try source.sequence(value, field, expected: "a list").map { ($0, [$0]) }
            } else {
                rowNodes = [(value, [value])]
            }
        } else {
            let field = "\(item).\(keyText)"
            rowNodes = try source.sequence(value, field, expected: "a list of rows, one value per name in '\(keyText)'").map { row in
                let cells = try source.sequence(row, field, expected: "a row [\(names.joined(separator: ", "))]")
                guard cells.count == names.count else {
                    throw source.fail(row, field, "row has \(cells.count) value\(cells.count == 1 ? "" : "s"); expected \(names.count), one for each of \(names.joined(separator: ", "))")
                }
                return (row, cells)
            }
        }
        guard !rowNodes.isEmpty else {
            throw source.fail(value, "\(item).\(keyText)", "empty list; expected at least one value")
        }
        let rows = try rowNodes.map { row in
            try zip(parameters, row.cells).map { parameter, cell in
                let field = "\(item).\(parameter.name)"
                do {
                    return try parameter.canonical(try source.value(cell, field))
                } catch let problem as ValueProblem {
                    throw source.fail(cell, field, problem.message)
                }
            }
        }
        self.init(names: names, rows: rows, rowLines: rowNodes.map { $0.node.mark?.line ?? 1 })
    }
}
