import Experiment
import Testing

@Suite("Early stopping")
struct StoppingRuleTests {
    @Test("stop_psnr_target stops once reached; stop_patience after that many iterations without a new best")
    func rules() throws {
        var target = try StoppingRule(ParameterSet(["stop_psnr_target": .double(30), "stop_patience": .int(0)]))
        #expect(target.stop(after: 29.9, iteration: 1) == nil)
        #expect(target.stop(after: 30.0, iteration: 2)?.contains("target") == true)
        var patience = try StoppingRule(ParameterSet(["stop_psnr_target": .null, "stop_patience": .int(2)]))
        let psnrs = [20.0, 25, 24, 26, 25.5, 25.9]
        let stops = psnrs.enumerated().map { patience.stop(after: $1, iteration: $0 + 1) }
        #expect(stops.prefix(5).allSatisfy { $0 == nil })
        #expect(stops[5]?.contains("2 iterations") == true)
        var off = try StoppingRule(ParameterSet([:]))
        #expect((1...50).allSatisfy { off.stop(after: 10, iteration: $0) == nil })
    }
}
