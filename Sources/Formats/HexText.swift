/// Hexadecimal text for error messages.
enum HexText {
    /// `value` as `0x` and 2 digits, e.g. `0x63`.
    static func byte(_ value: UInt8) -> String { "0x" + digits(UInt64(value), count: 2) }

    /// `value` as `0x` and 8 digits, e.g. `0x0000beef`.
    static func word(_ value: UInt32) -> String { "0x" + digits(UInt64(value), count: 8) }

    /// The first `count` bytes of `bytes` as two-digit groups, e.g. `50 4b 03 04`, or `no bytes`.
    static func leading(_ bytes: UnsafeRawBufferPointer, count: Int = 8) -> String {
        bytes.isEmpty ? "no bytes" : bytes.prefix(count).map { digits(UInt64($0), count: 2) }.joined(separator: " ")
    }

    private static func digits(_ value: UInt64, count: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(count - text.count, 0)) + text
    }
}
