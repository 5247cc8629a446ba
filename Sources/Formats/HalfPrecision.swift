/// Bit-exact conversions between Float32 and the 16-bit formats of checkpoints: IEEE binary16
/// (`float16`, `F16`) and bfloat16 (`BF16`). Widening is exact for every value, subnormals,
/// infinities and NaN payloads included; narrowing rounds to nearest, ties to even, and quiets NaN.
public enum HalfPrecision {
    /// The Float32 equal to the binary16 value with bit pattern `bits`.
    public static func float(fromFloat16Bits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:  // zero or subnormal: mantissa × 2⁻²⁴, exact in Float32
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:  // infinity or NaN, payload kept
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The Float32 equal to the bfloat16 value with bit pattern `bits` (its upper 16 bits).
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The binary16 bit pattern nearest to `value` (ties to even); values of magnitude 65520 and
    /// above become infinity, NaN becomes a quiet NaN keeping the top of its payload.
    public static func float16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: bits >> 16) & 0x8000
        let exponent = Int(bits >> 23) & 0xFF
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            return sign | 0x7C00 | (mantissa == 0 ? 0 : 0x200 | UInt16(mantissa >> 13))
        }
        let halfExponent = exponent - 112  // rebias from 127 to 15
        if halfExponent >= 0x1F { return sign | 0x7C00 }
        if halfExponent >= 1 {
            // Keep 10 of 23 mantissa bits; a carry out of the mantissa correctly bumps the exponent.
            let truncated = UInt32(halfExponent) << 10 | mantissa >> 13
            return sign | UInt16(truncated + roundingIncrement(mantissa, droppedBits: 13, kept: truncated))
        }
        if halfExponent < -10 { return sign }  // below 2⁻²⁵: rounds to zero
        // Subnormal result: units of 2⁻²⁴, from the significand with its implicit bit.
        let significand = mantissa | 0x80_0000
        let dropped = 14 - halfExponent
        let truncated = significand >> UInt32(dropped)
        return sign | UInt16(truncated + roundingIncrement(significand, droppedBits: dropped, kept: truncated))
    }

    /// The bfloat16 bit pattern nearest to `value` (ties to even); NaN becomes a quiet NaN keeping
    /// the top of its payload.
    public static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let truncated = bits >> 16
        return UInt16(truncated + roundingIncrement(bits, droppedBits: 16, kept: truncated))
    }

    /// 1 when dropping the low `droppedBits` bits of `value` must round the kept part `kept` up:
    /// the dropped part is above half, or exactly half and `kept` is odd.
    private static func roundingIncrement(_ value: UInt32, droppedBits: Int, kept: UInt32) -> UInt32 {
        let rest = value & (1 << UInt32(droppedBits) - 1)
        let half = UInt32(1) << UInt32(droppedBits - 1)
        return rest > half || (rest == half && kept & 1 == 1) ? 1 : 0
    }
}
