import FoundationEssentials
import Tensor

/// NumPy's `.npy` format: reads little-endian float32 or float64 C-order arrays of rank 1 to 5
/// (float64 is converted to Float32) from versions 1.0, 2.0 and 3.0; writes float32 version 1.0
/// files laid out byte for byte as `numpy.save` does.
public enum NPY {
    /// Reads the `.npy` file at `path`.
    public static func read(path: String) throws -> Tensor {
        try FileIO.read(path).withUnsafeBytes { try decode($0, name: path) }
    }

    /// Writes `tensor` to `path` as a float32 version 1.0 file, replacing the file atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try FileIO.write(encodedData(tensor), to: path)
    }

    /// Decodes the bytes of an `.npy` file; `name` is the file name that errors report, `memory`
    /// the budget the array must fit in (default: `MemoryBudget.current()`).
    public static func decode(_ bytes: [UInt8], name: String, memory: MemoryBudget? = nil) throws -> Tensor {
        try bytes.withUnsafeBytes { try decode($0, name: name, memory: memory) }
    }

    /// The bytes of a float32 version 1.0 `.npy` file holding `tensor`.
    public static func encode(_ tensor: Tensor) -> [UInt8] { Array(encodedData(tensor)) }

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// NumPy aligns the start of the data to this many bytes.
    private static let alignment = 64
    /// NumPy leaves room after the header dict for the first axis to grow to this many digits.
    private static let growthAxisDigits = 21

    /// Decodes the bytes of an `.npy` file, checking every length against the buffer and the
    /// array's size against `memory` before allocating it.
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String, memory: MemoryBudget? = nil) throws -> Tensor {
        func fail(_ problem: String) -> FormatError { FormatError(file: name, problem) }

        guard bytes.starts(with: magic) else { throw fail("not an NPY file (bad magic)") }
        guard bytes.count >= 8 else { throw fail("file ends inside the NPY preamble") }
        let (major, minor) = (bytes[6], bytes[7])
        guard [1, 2, 3].contains(major), minor == 0 else {
            throw fail("unsupported NPY version \(major).\(minor); expected 1.0, 2.0 or 3.0")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { throw fail("file ends inside the NPY preamble") }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let headerStart = 8 + lengthBytes, dataStart = headerStart + headerLength
        guard dataStart <= bytes.count else {
            throw fail("header says it is \(headerLength) bytes long, file has \(bytes.count - headerStart) after the preamble")
        }

        let header = try NPYHeader(parsing: Array(bytes[headerStart..<dataStart]), fail: fail)
        let available = bytes.count - dataStart
        guard header.dataLength == available else {
            throw fail("header says \(header.dataLength) bytes of data, file has \(available)")
        }
        do {
            try (memory ?? MemoryBudget.current()).require(bytes: MemoryBudget.product(header.shape + [4]),
                                                           for: "an array of shape \(header.shape)")
        } catch let error as MemoryLimitError {
            throw fail(error.description)
        }

        let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
        return Tensor(shape: header.shape) { target in
            if header.isDouble {
                for index in target.indices {
                    let bits = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
                    target[index] = Float(Double(bitPattern: bits))
                }
            } else {
                for index in target.indices {
                    let bits = UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
                    target[index] = Float(bitPattern: bits)
                }
            }
        }
    }

    /// The file as `numpy.save` writes it: preamble, header dict padded with spaces and a newline
    /// so the data starts on a 64-byte boundary, then the elements as little-endian float32.
    static func encodedData(_ tensor: Tensor) -> Data {
        let extents = tensor.shape.map(String.init)
        let shape = extents.count == 1 ? "(\(extents[0]),)" : "(\(extents.joined(separator: ", ")))"
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        dict += String(repeating: " ", count: growthAxisDigits - extents[0].count)
        let unpadded = magic.count + 4 + dict.utf8.count + 1
        let header = Array((dict + String(repeating: " ", count: alignment - unpadded % alignment) + "\n").utf8)

        var data = Data(count: magic.count + 4 + header.count + 4 * tensor.count)
        data.withUnsafeMutableBytes { target in
            let preamble = magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
            target.copyBytes(from: preamble)
            tensor.withUnsafeBufferPointer { values in
                for (index, value) in values.enumerated() {
                    target.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: preamble.count + 4 * index,
                                      as: UInt32.self)
                }
            }
        }
        return data
    }
}

/// The header dict of an `.npy` file, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`,
/// parsed as the small subset of Python literal syntax that NumPy writes, and validated.
struct NPYHeader {
    /// Whether the elements are float64 (`<f8`) rather than float32 (`<f4`).
    let isDouble: Bool
    /// Extents of the array, outermost first.
    let shape: [Int]
    /// Bytes of element data that must follow the header.
    let dataLength: Int

    /// A value in the header dict.
    private enum Literal {
        case string(String), bool(Bool), integer(Int), tuple([Int])
    }

    init(parsing text: [UInt8], fail: (String) -> FormatError) throws {
        var parser = Parser(text: text)
        guard let dict = parser.parseDict(), parser.isAtEnd() else {
            throw fail("malformed header dict \(NPYHeader.excerpt(text)); expected {'descr': ..., 'fortran_order': ..., 'shape': (...), }")
        }
        guard Set(dict.keys) == ["descr", "fortran_order", "shape"] else {
            throw fail("header dict has keys \(dict.keys.sorted()); expected 'descr', 'fortran_order' and 'shape'")
        }
        guard case .string(let descr)? = dict["descr"] else { throw fail("header 'descr' is not a dtype string") }
        switch descr {
        case "<f4": isDouble = false
        case "<f8": isDouble = true
        case ">f4", ">f8": throw fail("big-endian dtype '\(descr)' is not supported; expected '<f4' or '<f8'")
        default: throw fail("expected dtype '<f4' or '<f8', got '\(descr)'")
        }
        guard case .bool(let fortranOrder)? = dict["fortran_order"] else {
            throw fail("header 'fortran_order' is not True or False")
        }
        guard !fortranOrder else {
            throw fail("Fortran-order arrays are not supported; expected fortran_order False (C order)")
        }
        guard case .tuple(let shape)? = dict["shape"] else { throw fail("header 'shape' is not a tuple") }
        guard !shape.isEmpty else { throw fail("expected an array of rank 1 to \(Tensor.maxRank), got a scalar (shape ())") }
        guard shape.count <= Tensor.maxRank else {
            throw fail("expected an array of rank 1 to \(Tensor.maxRank), got rank \(shape.count) (shape \(shape))")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("shape \(shape) has a negative extent") }
        guard let dataLength = NPYHeader.dataLength(shape: shape, elementSize: isDouble ? 8 : 4) else {
            throw fail("shape \(shape) is too large")
        }
        self.dataLength = dataLength
        self.shape = shape
    }

    /// Element count times `elementSize`, or nil when that overflows.
    private static func dataLength(shape: [Int], elementSize: Int) -> Int? {
        var total = elementSize
        for extent in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// The start of the header text, quoted, for error messages.
    private static func excerpt(_ text: [UInt8]) -> String {
        let shown = String(decoding: text.prefix(80), as: UTF8.self)
        return "'\(shown)\(text.count > 80 ? "..." : "")'"
    }

    /// A recursive-descent reader of the header dict; every `parse` returns nil on a syntax error.
    private struct Parser {
        let text: [UInt8]
        var position = 0

        init(text: [UInt8]) { self.text = text }

        mutating func isAtEnd() -> Bool {
            skipWhitespace()
            return position == text.count
        }

        mutating func parseDict() -> [String: Literal]? {
            guard consume("{") else { return nil }
            var dict: [String: Literal] = [:]
            while !consume("}") {
                guard case .string(let key)? = parseValue(), consume(":"), let value = parseValue() else { return nil }
                dict[key] = value
                guard consume(",") || peek("}") else { return nil }
            }
            return dict
        }

        /// A string, `True`, `False`, an integer or a tuple of integers (`(5)` is the integer 5, as in Python).
        private mutating func parseValue() -> Literal? {
            skipWhitespace()
            guard position < text.count else { return nil }
            switch text[position] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return parseString().map(Literal.string)
            case UInt8(ascii: "("): return parseParenthesised()
            default:
                if consumeWord("True") { return .bool(true) }
                if consumeWord("False") { return .bool(false) }
                return parseInteger().map(Literal.integer)
            }
        }

        private mutating func parseParenthesised() -> Literal? {
            guard consume("(") else { return nil }
            var items: [Int] = []
            var sawComma = false
            while !consume(")") {
                guard let item = parseInteger() else { return nil }
                items.append(item)
                if consume(",") { sawComma = true } else if !peek(")") { return nil }
            }
            return items.count == 1 && !sawComma ? .integer(items[0]) : .tuple(items)
        }

        private mutating func parseString() -> String? {
            let quote = text[position]
            guard let end = text[(position + 1)...].firstIndex(of: quote) else { return nil }
            defer { position = end + 1 }
            return String(decoding: text[(position + 1)..<end], as: UTF8.self)
        }

        private mutating func parseInteger() -> Int? {
            skipWhitespace()
            let start = position
            if position < text.count, text[position] == UInt8(ascii: "-") { position += 1 }
            while position < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[position]) {
                position += 1
            }
            return Int(String(decoding: text[start..<position], as: UTF8.self))
        }

        private mutating func consumeWord(_ word: String) -> Bool {
            let bytes = Array(word.utf8)
            guard text[position...].starts(with: bytes) else { return false }
            position += bytes.count
            return true
        }

        private mutating func consume(_ symbol: Character) -> Bool {
            guard peek(symbol) else { return false }
            position += 1
            return true
        }

        private mutating func peek(_ symbol: Character) -> Bool {
            skipWhitespace()
            return position < text.count && text[position] == symbol.asciiValue
        }

        private mutating func skipWhitespace() {
            while position < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[position]) { position += 1 }
        }
    }
}
