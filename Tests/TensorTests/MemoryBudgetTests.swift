@testable import Tensor
import Testing

@Suite("Memory budget")
struct MemoryBudgetTests {
    @Test("require names what needs the memory, the bytes needed and available, and the source")
    func requireMessage() {
        let budget = MemoryBudget(availableBytes: 2 << 30, source: "test")
        #expect(throws: Never.self) { try budget.require(bytes: 2 << 30, for: "fits") }
        #expect { try budget.require(bytes: 5 << 29, for: "--angles 10") } throws: { error in
            (error as? MemoryLimitError)?.description == "--angles 10: needs 2.5 GiB of memory, more than the 2.0 GiB available (test)"
        }
        #expect { try budget.require(bytes: MemoryBudget.product(1 << 40, 1 << 40), for: "huge") } throws: { error in
            "\(error)".hasPrefix("huge: needs more memory than a 64-bit size can count")
        }
    }

    @Test("products and sums report overflow as nil; sizes print in binary units")
    func arithmetic() {
        #expect(MemoryBudget.product(3, 4, 5) == 60 && MemoryBudget.product(1 << 32, 1 << 31) == nil)
        #expect(MemoryBudget.product(-1, 4) == nil && MemoryBudget.product([]) == 1)
        #expect(MemoryBudget.sum(1, 2, 3) == 6 && MemoryBudget.sum(.max, 1) == nil && MemoryBudget.sum(1, nil) == nil)
        #expect(MemoryBudget.format(bytes: 512) == "512 B" && MemoryBudget.format(bytes: 1536) == "1.5 KiB")
        #expect(MemoryBudget.format(bytes: 10 << 30) == "10.0 GiB")
    }

    @Test("INVSCALE_MEMORY_LIMIT_MB takes a positive whole number of MiB; anything else is an error naming it")
    func environment() throws {
        #expect(try MemoryBudget.fromEnvironment("64").availableBytes == 64 << 20)
        for text in ["0", "-5", "lots", "1.5", "", "9223372036854775807", "\u{1B}[2J"] {
            #expect(throws: TensorError.self, "\(text)") { try MemoryBudget.fromEnvironment(text) }
        }
        #expect { try MemoryBudget.fromEnvironment("\u{1B}x") } throws: { error in
            "\(error)" == "INVSCALE_MEMORY_LIMIT_MB: expected a positive whole number of MiB, got '\\u{1B}x'"
        }
    }

    @Test("the machine's budget is positive")
    func machine() throws {
        #expect(try MemoryBudget.current().availableBytes > 0)
    }
}
