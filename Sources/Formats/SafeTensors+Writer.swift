import FoundationEssentials
import Tensor

/// Writing safetensors files.
extension SafeTensors {
    /// The bytes of a safetensors file holding `tensors`, in order, as `dtype`.
    public static func encode(_ tensors: NamedTensors, dtype: DType = .f32) -> [UInt8] {
        Array(encodedData(tensors, dtype: dtype))
    }

    /// Writes `tensors` as a safetensors file of `dtype` to `path`, replacing the file atomically.
    public static func write(_ tensors: NamedTensors, dtype: DType = .f32, to path: String) throws {
        try FileIO.write(encodedData(tensors, dtype: dtype), to: path)
    }

    static func encodedData(_ tensors: NamedTensors, dtype: DType) -> Data {
        let size = dtype.elementType.size
        var fields: [String] = [], offset = 0
        for (name, tensor) in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(offset),\(offset + size * tensor.count)]}")
            offset += size * tensor.count
        }
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var file = Data(count: 8 + header.count + offset)
        file.withUnsafeMutableBytes { target in
            target.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
            UnsafeMutableRawBufferPointer(rebasing: target[8..<8 + header.count]).copyBytes(from: header)
            var position = 8 + header.count
            for (_, tensor) in tensors {
                tensor.withUnsafeBufferPointer { values in
                    for value in values {
                        switch dtype {
                        case .f32: target.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: position,
                                                     as: UInt32.self)
                        case .f16: target.storeBytes(of: HalfPrecision.float16Bits(value).littleEndian,
                                                     toByteOffset: position, as: UInt16.self)
                        case .bf16: target.storeBytes(of: HalfPrecision.bfloat16Bits(value).littleEndian,
                                                      toByteOffset: position, as: UInt16.self)
                        }
                        position += size
                    }
                }
            }
        }
        return file
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\u{0}"..."\u{1F}": literal += "\\u00" + HexText.byte(UInt8(scalar.value)).dropFirst(2)
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
