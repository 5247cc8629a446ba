import Measurement
import Testing

@Suite("Process memory")
struct ProcessMemoryTests {
    @Test("peak resident memory is at least the current one")
    func memory() throws {
        let current = try #require(ProcessMemory.residentBytes())
        let peak = try #require(ProcessMemory.peakResidentBytes())
        #expect(current > 0 && peak >= current)
    }
}
