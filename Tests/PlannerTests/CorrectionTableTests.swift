import Foundation
import Planner
import Testing

/// The whole-call correction by network and item size: how a profile states it, how networks and
/// sizes between the measured ones are read, and what a profile with a factor no machine has gets.
@Suite struct CorrectionTableTests {
    static func decode(_ json: String) throws -> CorrectionTable {
        try JSONDecoder().decode(CorrectionTable.self, from: Data(json.utf8))
    }

    @Test("a plain number applies to every size")
    func plainNumber() throws {
        let table = try Self.decode("1.25")
        for positions in [1, 4096, 1 << 20] { #expect(table.factor(channels: 64, positions: positions) == 1.25) }
    }

    @Test("between measured sizes the factor is interpolated in log(positions), beyond them the nearest holds")
    func interpolation() throws {
        let table = try Self.decode(#"[{"positions": 65536, "factor": 1.2}, {"positions": 4096, "factor": 1.4}]"#)
        #expect(table.entries.map(\.positions) == [4096, 65536])
        #expect(table.factor(channels: 64, positions: 64) == 1.4)
        #expect(table.factor(channels: 64, positions: 1 << 22) == 1.2)
        // 16384 is halfway between 4096 and 65536 in log(positions).
        #expect(abs(table.factor(channels: 64, positions: 16384) - 1.3) < 1e-12)
        #expect(abs(table.factor(channels: 64, positions: 8192) - 1.35) < 1e-12)
    }

    @Test("a network takes the factors of the measured network nearest to its first level's channels")
    func nearestNetwork() throws {
        let table = try Self.decode(#"""
            [{"channels": 16, "positions": 4096, "factor": 1.4}, {"channels": 16, "positions": 65536, "factor": 1.2},
             {"channels": 64, "positions": 16384, "factor": 0.9}, {"positions": 16384, "factor": 5}]
            """#)
        #expect(abs(table.factor(channels: 16, positions: 16384) - 1.3) < 1e-12)
        #expect(table.factor(channels: 24, positions: 4096) == 1.4)
        #expect(table.factor(channels: 48, positions: 4096) == 0.9)
        #expect(table.factor(channels: 512, positions: 1 << 20) == 0.9)
        // Entries that name no network count only where no network is named.
        let anyNetwork = try Self.decode(#"[{"positions": 4096, "factor": 1.5}, {"positions": 65536, "factor": 1.1}]"#)
        #expect(anyNetwork.factor(channels: 512, positions: 1 << 20) == 1.1)
    }

    @Test("entries of one size are averaged, and the table round-trips through JSON")
    func averagingAndRoundTrip() throws {
        let table = CorrectionTable([.init(positions: 16384, factor: 1.1), .init(positions: 16384, factor: 1.5),
                                     .init(positions: 4096, factor: 2)])
        #expect(table.entries == [.init(positions: 4096, factor: 2), .init(positions: 16384, factor: 1.3)])
        let again = try JSONDecoder().decode(CorrectionTable.self, from: try JSONEncoder().encode(table))
        #expect(again == table)
    }

    @Test("a profile whose correction has a factor ≤ 0 is refused, naming the file and the field")
    func refusedFactor() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("correction-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/profile.json"
        try MachineProfile.conservativeDefaults(cores: 2, memoryMB: 4096).write(to: path)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        var rates = json["rates"] as! [[String: Any]]
        rates[0]["network_2d_correction"] = [["positions": 9216, "factor": 1.4], ["positions": 65536, "factor": -1]]
        json["rates"] = rates
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try MachineProfile.load(path: path)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("rates[0].network_2d_correction[1]")
                && "\(error)".contains("factor > 0")
        }
    }
}
