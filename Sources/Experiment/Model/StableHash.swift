/// FNV-1a, a hash that is the same in every process and on every machine (Swift's `Hasher` is
/// seeded per process).
enum StableHash {
    /// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes folded to 32 bits, as 8 hex digits.
    static func hex32(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let folded = String((hash >> 32) ^ (hash & 0xffff_ffff), radix: 16)
        return String(repeating: "0", count: 8 - folded.count) + folded
    }
}
