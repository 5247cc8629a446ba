/// A minimal unpickler for the `data.pkl` that `torch.save` writes (pickle protocols 2 to 5 as
/// far as torch uses them). It knows the opcodes below and the globals of `TorchGlobal`; any other
/// opcode or global is an error, so loading never runs code.
struct Unpickler {
    private var reader: ByteReader
    private var stack: [PickleValue] = []
    /// Stacks saved by MARK, innermost last.
    private var marks: [[PickleValue]] = []
    private var memo: [Int: PickleValue] = [:]
    /// Offset of the opcode being run, for error messages.
    private var opcodeOffset = 0

    /// The object pickled in `bytes`; `name` (e.g. `archive/data.pkl`) is used in error messages,
    /// which `fail` makes.
    static func load(_ bytes: UnsafeRawBufferPointer, name: String,
                     fail: @escaping (String) -> FormatError) throws -> PickleValue {
        var unpickler = Unpickler(reader: ByteReader(bytes, context: "pickle '\(name)'", fail: fail))
        return try unpickler.run()
    }

    private init(reader: ByteReader) { self.reader = reader }

    private func fail(_ problem: String) -> FormatError {
        reader.fail("\(reader.context), opcode at byte \(opcodeOffset): \(problem)")
    }

    private mutating func run() throws -> PickleValue {
        while true {
            opcodeOffset = reader.position
            let opcode = try reader.uint8()
            switch opcode {
            case 0x80:  // PROTO
                let version = try reader.uint8()
                guard version <= 5 else { throw fail("pickle protocol \(version) is not supported; expected 2 to 5") }
            case 0x95: try reader.skip(8)  // FRAME: a length hint only
            case 0x2E: return try pop()  // STOP
            case 0x28:  // MARK
                marks.append(stack)
                stack = []
            case 0x7D: stack.append(.dict(PickleDict()))  // EMPTY_DICT
            case 0x5D: stack.append(.list(PickleList()))  // EMPTY_LIST
            case 0x29: stack.append(.tuple([], depth: 1))  // EMPTY_TUPLE
            case 0x74:  // TUPLE
                let items = try popMark()
                try pushTuple(items)
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let count = Int(opcode - 0x84)
                guard stack.count >= count else {
                    throw fail("TUPLE\(count) needs \(count) items, the stack has \(stack.count)")
                }
                let items = Array(stack.suffix(count))
                stack.removeLast(count)
                try pushTuple(items)
            case 0x4A: stack.append(.int(Int(Int32(bitPattern: try reader.uint32()))))  // BININT
            case 0x4B: stack.append(.int(Int(try reader.uint8())))  // BININT1
            case 0x4D: stack.append(.int(Int(try reader.uint16())))  // BININT2
            case 0x8A: stack.append(.int(try long1()))  // LONG1
            case 0x47:  // BINFLOAT, big-endian
                stack.append(.float(Double(bitPattern: try reader.uint64().byteSwapped)))
            case 0x4E: stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x8C: stack.append(.string(try string(length: Int(try reader.uint8()))))  // SHORT_BINUNICODE
            case 0x58: stack.append(.string(try string(length: Int(try reader.uint32()))))  // BINUNICODE
            case 0x8D: stack.append(.string(try string(length: try reader.length64("string length"))))  // BINUNICODE8
            case 0x63:  // GLOBAL
                let module = try line(), name = try line()
                stack.append(.global(try TorchGlobal(module: module, name: name, fail: fail)))
            case 0x93:  // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                    throw fail("STACK_GLOBAL needs a module and a name string")
                }
                stack.append(.global(try TorchGlobal(module: module, name: name, fail: fail)))
            case 0x52:  // REDUCE
                let arguments = try pop(), callable = try pop()
                stack.append(try TorchPickle.reduce(callable, arguments, fail: fail))
            case 0x62:  // BUILD: only the attributes of an OrderedDict (`_metadata`), which are dropped
                _ = try pop()
                guard case .dict = try top() else { throw fail("BUILD on \(try top().described) is not supported") }
            case 0x73:  // SETITEM
                let value = try pop(), key = try pop()
                try dictOnTop().set(value, for: key, fail: fail)
            case 0x75:  // SETITEMS
                let items = try popMark()
                guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number (\(items.count)) of items") }
                let dict = try dictOnTop()
                for pair in stride(from: 0, to: items.count, by: 2) {
                    try dict.set(items[pair + 1], for: items[pair], fail: fail)
                }
            case 0x61:  // APPEND
                let item = try pop()
                try appendToList([item])
            case 0x65:  // APPENDS
                let items = try popMark()
                try appendToList(items)
            case 0x71: memo[Int(try reader.uint8())] = try top()  // BINPUT
            case 0x72: memo[Int(try reader.uint32())] = try top()  // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()  // MEMOIZE
            case 0x68: stack.append(try memoValue(Int(try reader.uint8())))  // BINGET
            case 0x6A: stack.append(try memoValue(Int(try reader.uint32())))  // LONG_BINGET
            case 0x51:  // BINPERSID
                let pid = try pop()
                stack.append(try TorchPickle.persistentLoad(pid, fail: fail))
            default:
                throw fail("unsupported pickle opcode \(opcodeName(opcode))")
            }
        }
    }

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw fail("the stack is empty") }
        return value
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last else { throw fail("the stack is empty") }
        return value
    }

    /// The items pushed since the last MARK, which is removed.
    private mutating func popMark() throws -> [PickleValue] {
        guard let saved = marks.popLast() else { throw fail("no MARK to pop to") }
        defer { stack = saved }
        return stack
    }

    private mutating func pushTuple(_ items: [PickleValue]) throws {
        guard let tuple = PickleValue.tuple(items) else {
            throw fail("objects nested more than \(PickleValue.maxDepth) deep are not supported")
        }
        stack.append(tuple)
    }

    private func dictOnTop() throws -> PickleDict {
        guard case .dict(let dict) = try top() else {
            throw fail("expected a dict on the stack, found \(try top().described)")
        }
        return dict
    }

    /// Appends `items` to the list on top of the stack.
    private func appendToList(_ items: [PickleValue]) throws {
        guard case .list(let list) = try top() else {
            throw fail("expected a list on the stack, found \(try top().described)")
        }
        for item in items { try list.append(item, fail: fail) }
    }

    private func memoValue(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw fail("memo entry \(index) is not set") }
        return value
    }

    /// A little-endian two's-complement integer of up to 8 bytes.
    private mutating func long1() throws -> Int {
        let count = Int(try reader.uint8())
        guard count <= 8 else { throw fail("an integer of \(count) bytes is too large") }
        guard count > 0 else { return 0 }
        let bits = try reader.unsigned(count)
        let unused = UInt64(64 - 8 * count)
        return Int(bitPattern: UInt(bits << unused)) >> unused  // sign-extends
    }

    /// `length` bytes of UTF-8.
    private mutating func string(length: Int) throws -> String {
        guard let string = String(validating: try reader.take(length), as: UTF8.self) else {
            throw fail("a string is not valid UTF-8")
        }
        return string
    }

    /// Text up to the next newline, which is consumed (the arguments of GLOBAL).
    private mutating func line() throws -> String {
        let rest = UnsafeRawBufferPointer(rebasing: reader.bytes[reader.position...])
        guard let end = rest.firstIndex(of: 0x0A) else { throw fail("GLOBAL argument has no end of line") }
        let text = try string(length: end)
        try reader.skip(1)
        return text
    }

    /// `0x63` with the character when it is printable ASCII, e.g. `0x63 ('c')`.
    private func opcodeName(_ opcode: UInt8) -> String {
        let code = HexText.byte(opcode)
        return (0x20..<0x7F).contains(opcode) ? "\(code) ('\(Character(Unicode.Scalar(opcode)))')" : code
    }
}
