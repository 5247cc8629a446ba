import Formats
import Testing

@Suite("16-bit floats")
struct HalfPrecisionTests {
    @Test("float16 → Float32 edge cases, by bit pattern",
          arguments: [
              (0x0000, 0x0000_0000), (0x8000, 0x8000_0000),  // ±0
              (0x3C00, 0x3F80_0000), (0xC000, 0xC000_0000),  // 1, -2
              (0x7BFF, 0x477F_E000), (0xFBFF, 0xC77F_E000),  // ±65504, the largest finite
              (0x0400, 0x3880_0000),  // 2⁻¹⁴, the smallest normal
              (0x0001, 0x3380_0000), (0x8001, 0xB380_0000),  // ±2⁻²⁴, the smallest subnormal
              (0x03FF, 0x387F_C000),  // 1023·2⁻²⁴, the largest subnormal
              (0x0155, 0x37AA_8000),  // 341·2⁻²⁴
              (0x7C00, 0x7F80_0000), (0xFC00, 0xFF80_0000),  // ±infinity
              (0x7E00, 0x7FC0_0000), (0x7C01, 0x7F80_2000), (0xFE55, 0xFFCA_A000),  // NaNs keep their payload
          ] as [(UInt16, UInt32)])
    func widenFloat16(half: UInt16, single: UInt32) {
        #expect(HalfPrecision.float(fromFloat16Bits: half).bitPattern == single)
    }

    @Test("Float32 → float16 rounding, by bit pattern",
          arguments: [
              (0x3F80_1000, 0x3C00), (0x3F80_3000, 0x3C02),  // ties to even: 1 + 2⁻¹¹ → 1, 1 + 3·2⁻¹¹ → 1 + 2⁻⁹
              (0x3F80_0FFF, 0x3C00), (0x3F80_1001, 0x3C01),  // just below and above a tie
              (0x477F_E000, 0x7BFF), (0x477F_EFFF, 0x7BFF),  // 65504 and just below the overflow tie
              (0x477F_F000, 0x7C00), (0xC77F_F000, 0xFC00),  // the tie at 65520 rounds to (even) infinity
              (0x7F7F_FFFF, 0x7C00), (0x7F80_0000, 0x7C00), (0xFF80_0000, 0xFC00),  // huge, ±infinity
              (0x3380_0000, 0x0001), (0x3300_0000, 0x0000), (0x3300_0001, 0x0001),  // 2⁻²⁴; 2⁻²⁵ ties to 0
              (0x33C0_0000, 0x0002),  // 1.5·2⁻²⁴ ties to even 2·2⁻²⁴
              (0x387F_C000, 0x03FF), (0x387F_E000, 0x0400),  // largest subnormal; tie rounds up into the normals
              (0x0000_0001, 0x0000), (0x8000_0001, 0x8000),  // Float32 subnormals → ±0
              (0x7FC0_0000, 0x7E00), (0x7F80_0001, 0x7E00), (0xFFC0_2000, 0xFE01),  // NaN: quiet, payload top bits
          ] as [(UInt32, UInt16)])
    func narrowFloat16(single: UInt32, half: UInt16) {
        #expect(HalfPrecision.float16Bits(Float(bitPattern: single)) == half)
    }

    @Test("bfloat16 conversions, by bit pattern",
          arguments: [
              (0x3F80_8000, 0x3F80), (0x3F81_8000, 0x3F82), (0x3F80_8001, 0x3F81),  // ties to even, above a tie
              (0x7F7F_FFFF, 0x7F80), (0x7F7F_7FFF, 0x7F7F),  // overflow to infinity, largest finite
              (0x0000_8000, 0x0000), (0x0001_8000, 0x0002),  // subnormal ties
              (0x7F80_0001, 0x7FC0), (0xFF81_0000, 0xFFC1),  // NaN: quiet, payload top bits
          ] as [(UInt32, UInt16)])
    func bfloat16(single: UInt32, bfloat: UInt16) {
        #expect(HalfPrecision.bfloat16Bits(Float(bitPattern: single)) == bfloat)
        #expect(HalfPrecision.float(fromBFloat16Bits: bfloat).bitPattern == UInt32(bfloat) << 16)
    }

    @Test("every float16 widens exactly as the hardware conversion does, and narrows back to itself")
    func exhaustiveFloat16() {
        for bits in UInt16.min...UInt16.max {
            let single = HalfPrecision.float(fromFloat16Bits: bits)
            let native = Float(Float16(bitPattern: bits))
            if native.isNaN {  // the payload moves up unchanged; narrowing quiets it
                #expect(single.bitPattern == 0x7F80_0000 | UInt32(bits & 0x8000) << 16 | UInt32(bits & 0x3FF) << 13)
                #expect(HalfPrecision.float16Bits(single) == bits | 0x0200)
            } else {
                #expect(single.bitPattern == native.bitPattern, "\(bits)")
                #expect(HalfPrecision.float16Bits(single) == bits, "\(bits)")
            }
        }
    }

    @Test("Float32 → float16 and bfloat16 match torch on ties, overflow, subnormals and random values")
    func matchesTorch() {
        let expected = CheckpointFixtures.expected
        #expect(expected.float16Rounding.count > 300)
        for pair in expected.float16Rounding {
            #expect(HalfPrecision.float16Bits(Float(bitPattern: pair[0])) == UInt16(pair[1]), "\(pair)")
            #expect(HalfPrecision.float16Bits(Float(bitPattern: pair[0])) == Float16(Float(bitPattern: pair[0])).bitPattern)
        }
        for pair in expected.bfloat16Rounding {
            #expect(HalfPrecision.bfloat16Bits(Float(bitPattern: pair[0])) == UInt16(pair[1]), "\(pair)")
        }
    }
}
