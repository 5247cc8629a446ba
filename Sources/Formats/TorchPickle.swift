/// A global that a torch `data.pkl` may name; the unpickler refuses every other global.
enum TorchGlobal {
    /// `collections.OrderedDict` (state dicts and the `backward_hooks` of tensors).
    case orderedDict
    /// `torch._utils._rebuild_tensor_v2`.
    case rebuildTensor
    /// `torch._utils._rebuild_parameter`.
    case rebuildParameter
    /// A typed storage class `torch.<name>`, e.g. `FloatStorage`; only used in persistent ids.
    case storageType(String)

    /// The global `module.name`, or an error when it is not allowed.
    init(module: String, name: String, fail: (String) -> FormatError) throws {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch", _) where TorchGlobal.isStorageClass(name):
            self = .storageType(name)
        default:
            throw fail("global '\(module).\(name)' is not allowed; expected collections.OrderedDict, "
                + "torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter or a torch.*Storage type")
        }
    }

    /// Whether `name` is that of a typed storage class, such as `FloatStorage` or `LongStorage`.
    private static func isStorageClass(_ name: String) -> Bool {
        name.hasSuffix("Storage") && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// `module.name`.
    var qualifiedName: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensor: "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .storageType(let name): "torch.\(name)"
        }
    }
}

/// A storage named by a persistent id `('storage', storage_type, key, location, numel)`: its
/// elements are the archive entry `<prefix>/data/<key>`.
struct TorchStorage: Sendable {
    /// The storage class, e.g. `FloatStorage`.
    let typeName: String
    /// The entry name under `<prefix>/data/`.
    let key: String
    /// Elements in the storage.
    let count: Int

    /// The element type, or nil for a storage type the readers do not convert.
    var elementType: ElementType? {
        switch typeName {
        case "FloatStorage": .float32
        case "HalfStorage": .float16
        case "BFloat16Storage": .bfloat16
        case "DoubleStorage": .float64
        default: nil
        }
    }
}

/// A tensor rebuilt by `_rebuild_tensor_v2`: a strided view of a storage.
struct TorchTensor: Sendable {
    let storage: TorchStorage
    let layout: StridedLayout
}

/// What the unpickler's persistent-id and REDUCE opcodes do in a torch `data.pkl`.
enum TorchPickle {
    /// The storage named by the persistent id `pid`.
    static func persistentLoad(_ pid: PickleValue, fail: (String) -> FormatError) throws -> PickleValue {
        guard case .tuple(let items, _) = pid, items.count == 5, case .string("storage") = items[0],
              case .global(.storageType(let typeName)) = items[1], case .string(let key) = items[2],
              case .string = items[3], case .int(let count) = items[4], count >= 0 else {
            throw fail("unsupported persistent id \(describe(pid)); "
                + "expected ('storage', torch.*Storage, key, location, numel)")
        }
        return .storage(TorchStorage(typeName: typeName, key: key, count: count))
    }

    /// The result of calling `callable` with the tuple `arguments`.
    static func reduce(_ callable: PickleValue, _ arguments: PickleValue,
                       fail: (String) -> FormatError) throws -> PickleValue {
        guard case .global(let global) = callable, case .tuple(let args, _) = arguments else {
            throw fail("cannot call \(callable.described) with \(describe(arguments)); expected a global and a tuple")
        }
        switch global {
        case .orderedDict:
            guard args.isEmpty else { throw fail("collections.OrderedDict with arguments is not supported") }
            return .dict(PickleDict())
        case .rebuildTensor:
            return .tensor(try rebuildTensor(args, fail: fail))
        case .rebuildParameter:
            guard args.count == 3, case .tensor = args[0] else {
                throw fail("\(global.qualifiedName) got \(describe(args)); expected (tensor, requires_grad, hooks)")
            }
            return args[0]
        case .storageType:
            throw fail("calling \(global.qualifiedName) is not supported")
        }
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata])`.
    private static func rebuildTensor(_ args: [PickleValue], fail: (String) -> FormatError) throws -> TorchTensor {
        guard (6...7).contains(args.count), case .storage(let storage) = args[0], case .int(let offset) = args[1],
              let shape = integers(args[2]), let strides = integers(args[3]) else {
            throw fail("_rebuild_tensor_v2 got \(describe(args)); "
                + "expected (storage, offset, size, stride, requires_grad, hooks[, metadata])")
        }
        return TorchTensor(storage: storage, layout: StridedLayout(offset: offset, shape: shape, strides: strides))
    }

    /// The items of a tuple of ints.
    private static func integers(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items, _) = value else { return nil }
        let integers = items.compactMap { if case .int(let int) = $0 { int } else { nil } }
        return integers.count == items.count ? integers : nil
    }

    /// The type of `value`, or the item types when it is a tuple, e.g. `(str, int)`.
    private static func describe(_ value: PickleValue) -> String {
        guard case .tuple(let items, _) = value else { return value.described }
        return describe(items)
    }

    /// The types of `items`, e.g. `(str, int)`.
    private static func describe(_ items: [PickleValue]) -> String {
        "(" + items.map(\.typeName).joined(separator: ", ") + ")"
    }
}
