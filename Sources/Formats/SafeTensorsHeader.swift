import FoundationEssentials

/// The JSON header of a safetensors file, validated: each tensor's element type, shape and byte
/// range in the data section. `__metadata__` is ignored.
struct SafeTensorsHeader {
    /// One tensor of the header.
    struct Entry {
        let name: String
        let type: ElementType
        let shape: [Int]
        /// Byte range in the data section.
        let range: Range<Int>
    }

    /// The tensors, in the order of their data; an empty tensor comes before a non-empty one at
    /// its offset, and empty tensors at the same offset are in name order.
    let entries: [Entry]

    /// Parses and validates the header `json` of a file with `dataCount` bytes of data after it.
    init(parsing json: UnsafeRawBufferPointer, dataCount: Int, fail: (String) -> FormatError) throws {
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(json))
        } catch let error as DecodingError {
            throw fail("invalid JSON header: \(SafeTensorsHeader.describe(error))")
        } catch {
            throw fail("invalid JSON header: \(error)")
        }
        entries = try raw.entries.map { name, entry in
            func failForTensor(_ problem: String) -> FormatError { fail("tensor '\(name)': \(problem)") }
            guard let dtype = SafeTensors.DType(rawValue: entry.dtype) else {
                throw failForTensor("dtype \(entry.dtype) is not supported; expected F32, F16 or BF16")
            }
            guard let count = StridedLayout.elementCount(entry.shape) else {
                throw failForTensor("shape \(entry.shape) has a negative extent or is too large")
            }
            let offsets = entry.dataOffsets
            guard offsets.count == 2, 0 <= offsets[0], offsets[0] <= offsets[1] else {
                throw failForTensor("data_offsets \(offsets) are not [begin, end] with 0 ≤ begin ≤ end")
            }
            let range = offsets[0]..<offsets[1]
            let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.elementType.size)
            guard !overflow, bytes == range.count else {
                throw failForTensor("data_offsets \(offsets) hold \(range.count) bytes, expected \(count) "
                    + "elements of \(dtype.rawValue) for shape \(entry.shape)")
            }
            return Entry(name: name, type: dtype.elementType, shape: entry.shape, range: range)
        }.sorted { ($0.range.lowerBound, $0.range.upperBound, $0.name)
            < ($1.range.lowerBound, $1.range.upperBound, $1.name) }

        var end = 0
        for entry in entries {
            guard entry.range.lowerBound == end else {
                throw fail("tensor '\(entry.name)': data starts at byte \(entry.range.lowerBound), expected \(end) "
                    + "(the tensors must cover the data without gaps or overlaps)")
            }
            end = entry.range.upperBound
        }
        guard end == dataCount else {
            throw fail("the header describes \(end) bytes of data, the file has \(dataCount) after the header")
        }
    }

    /// Where the decoder stopped and why, in one line.
    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
             .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at '\(path)': ") + context.debugDescription
        @unknown default:
            return String(describing: error)
        }
    }
}

/// The header as JSON: an object of tensor entries, and `__metadata__`.
private struct RawHeader: Decodable {
    struct Entry: Decodable {
        let dtype: String
        let shape: [Int]
        let dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    /// A key of the top-level object.
    struct Name: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let entries: [(String, Entry)]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        entries = try container.allKeys.filter { $0.stringValue != "__metadata__" }.map {
            ($0.stringValue, try container.decode(Entry.self, forKey: $0))
        }
    }
}
