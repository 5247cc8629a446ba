/// A Python object from a torch `data.pkl`, restricted to what `torch.save` writes: scalars,
/// strings, containers, the allowed torch globals, and the storages and tensors rebuilt from them.
///
/// Containers record how deeply they nest (`depth`), so that a hostile file cannot build a chain
/// deep enough to overflow the stack when it is freed.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([PickleValue], depth: Int)
    case list(PickleList)
    case dict(PickleDict)
    case global(TorchGlobal)
    case storage(TorchStorage)
    case tensor(TorchTensor)

    /// Containers may nest at most this deep (torch state dicts use 3 or 4 levels).
    static let maxDepth = 100

    /// A tuple of `items`, which freezes the lists and dicts among them; nil when it would nest
    /// deeper than `maxDepth`.
    static func tuple(_ items: [PickleValue]) -> PickleValue? {
        let depth = 1 + (items.map(\.depth).max() ?? 0)
        guard depth <= maxDepth else { return nil }
        items.forEach(PickleContainer.freeze)
        return .tuple(items, depth: depth)
    }

    /// Levels of containers in this value (0 for a scalar).
    var depth: Int {
        switch self {
        case .tuple(_, let depth): depth
        case .list(let list): list.depth
        case .dict(let dict): dict.depth
        default: 0
        }
    }

    /// The type with an article, e.g. `an int`, for error messages.
    var described: String {
        (typeName.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + typeName
    }

    /// The Python type, for error messages.
    var typeName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let global): "global \(global.qualifiedName)"
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

/// A Python list or dict being built by the unpickler; shared by reference, as in Python. Once it
/// is stored in another container it is frozen, so the depth recorded there stays true.
class PickleContainer {
    /// Levels of containers, this one included.
    private(set) var depth = 1
    /// Whether it has been stored in another container.
    private var isFrozen = false

    /// Records that `item` is stored in this container; fails when this container is frozen or
    /// would nest deeper than `PickleValue.maxDepth`.
    func willStore(_ item: PickleValue, fail: (String) -> FormatError) throws {
        guard !isFrozen else { throw fail("changing a list or dict after storing it elsewhere is not supported") }
        depth = max(depth, item.depth + 1)
        guard depth <= PickleValue.maxDepth else {
            throw fail("objects nested more than \(PickleValue.maxDepth) deep are not supported")
        }
        PickleContainer.freeze(item)
    }

    /// Freezes `item` if it is a list or dict.
    static func freeze(_ item: PickleValue) {
        if case .list(let list) = item { list.isFrozen = true }
        if case .dict(let dict) = item { dict.isFrozen = true }
    }
}

/// A Python list.
final class PickleList: PickleContainer {
    /// The items, in order.
    private(set) var items: [PickleValue] = []

    /// Appends `item`.
    func append(_ item: PickleValue, fail: (String) -> FormatError) throws {
        try willStore(item, fail: fail)
        items.append(item)
    }
}

/// A Python dict or `collections.OrderedDict` with string or integer keys, in insertion order.
final class PickleDict: PickleContainer {
    /// A dict key.
    enum Key: Hashable {
        case string(String)
        case int(Int)
    }

    /// The keys, in insertion order.
    private(set) var keys: [Key] = []
    /// The values by key.
    private(set) var values: [Key: PickleValue] = [:]

    /// Sets `value` for `key`; a new key goes last, an existing one keeps its place (as in Python).
    func set(_ value: PickleValue, for key: PickleValue, fail: (String) -> FormatError) throws {
        let dictKey: Key
        switch key {
        case .string(let string): dictKey = .string(string)
        case .int(let int): dictKey = .int(int)
        default: throw fail("a dict key of type \(key.typeName) is not supported; expected str or int")
        }
        try willStore(value, fail: fail)
        if values.updateValue(value, forKey: dictKey) == nil { keys.append(dictKey) }
    }
}
