import Foundation
import Planner
import Testing

/// The planner through the command line: predictions in `--plan` and `--plan --json`,
/// `max_batch_size: auto` under a budget, a run refused before it starts, and the feature maps
/// it predicts against the allocator's counters of a real DRUNet call.
@Suite("invscale planner")
struct PlannerCommandTests {
    /// A tomography_2d 64² PnP run with the bundled DRUNet in tiles 24/8 (9 windows).
    static func experiment(batch: String, budget: String = "null") -> String {
        """
        objective: [reconstruction_objective]
        dataset:
          - tomography_2d: {img_size: 64, num_angles: 16, num_operators: 2}
        solver:
          - PnP:
              denoiser: drunet
              denoiser_weights: bundled
              init_method: zeros
              distribute_denoiser: true
              patch_size: 24
              overlap: 8
              max_batch_size: \(batch)
              memory_budget_mb: \(budget)
        max-runs: 2
        """
    }

    /// A folder with the experiment and the conservative profile written as a file.
    static func prepare(_ yaml: String) throws -> (folder: String, config: String, profile: String) {
        let folder = try CLI.temporaryFolder()
        let config = try RunCommandTests.write(yaml, in: folder)
        let profile = folder + "/profile.json"
        try MachineProfile.conservativeDefaults(cores: 2, memoryMB: 8192).write(to: profile)
        return (folder, config, profile)
    }

    static func lines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("--plan --json prints one object per run with the predictions")
    func planJSON() throws {
        let (folder, config, profile) = try Self.prepare(Self.experiment(batch: "[1, 0]"))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try CLI.run(["run", config, "--plan", "--json", "--profile", profile])
        #expect(result.status == 0, "\(result.error)")
        let objects = try Self.lines(result.output)
        #expect(objects.count == 2)
        for (index, object) in objects.enumerated() {
            #expect(object["index"] as? Int == index)
            #expect(object["processes"] as? Int == 1)
            for key in ["predicted_peak_rss_mb", "predicted_iteration_s", "predicted_gradient_s", "predicted_denoise_s", "predicted_comm_s"] {
                let value = try #require(object[key] as? Double, "\(key)")
                #expect(value >= 0 && value.isFinite)
            }
        }
        #expect(objects[0]["max_batch_size"] as? Int == 1)
        #expect(objects[1]["max_batch_size"] as? Int == 0)
        // All 9 windows at once hold more feature maps than one at a time.
        let one = try #require(objects[0]["predicted_peak_rss_mb"] as? Double)
        let all = try #require(objects[1]["predicted_peak_rss_mb"] as? Double)
        #expect(all > one)

        let table = try CLI.run(["run", config, "--plan", "--profile", profile])
        #expect(table.status == 0)
        #expect(table.output.contains("predictions (conservative defaults"))
        #expect(table.output.contains("grid: predicted solver time"))
    }

    @Test("max_batch_size auto picks a batch that fits the budget, records it, and is measured within it")
    func autoBatch() throws {
        // The conservative profile's 60 MiB baseline plus a batch of 1 fits in 95 MiB; all 9 do not.
        let (folder, config, profile) = try Self.prepare(Self.experiment(batch: "auto", budget: "95"))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plan = try Self.lines(try CLI.run(["run", config, "--plan", "--json", "--profile", profile]).output)
        let chosen = try #require(plan.first?["max_batch_size"] as? Int)
        #expect(plan.first?["batch_size_chosen"] as? Bool == true)
        #expect(plan.first?["fits"] as? Bool == true)
        #expect((1...9).contains(chosen))
        #expect(try #require(plan.first?["predicted_peak_rss_mb"] as? Double) <= 95)

        let output = folder + "/out"
        let result = try CLI.run(["run", config, "--output", output, "--profile", profile])
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let run = try RunCommandTests.runFolder(output)
        let record = try RunCommandTests.record(run)
        let prediction = try #require(record["prediction"] as? [String: Any])
        #expect(prediction["max_batch_size"] as? Int == chosen)
        #expect(prediction["batch_size_chosen"] as? Bool == true)
        #expect((prediction["batch_curve"] as? [Any])?.count == 9)
        let spec = try #require(record["spec"] as? [String: Any])
        #expect((spec["solver_parameters"] as? [String: Any])?["max_batch_size"] as? Int == chosen)
        let measured = try #require(record["peak_rss_mb"] as? Double)
        #expect(measured <= 95, "measured \(measured) MiB")
    }

    @Test("a budget below the smallest batch is refused before the run starts, with the prediction and the budget")
    func refusedBudget() throws {
        let (folder, config, profile) = try Self.prepare(Self.experiment(batch: "auto", budget: "20"))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out"
        let result = try CLI.run(["run", config, "--output", output, "--profile", profile])
        #expect(result.status != 0)
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("refused before it started") })
        #expect(line.contains("max_batch_size 1, the smallest"))
        #expect(line.contains("exceeds the budget of 20 MiB (memory_budget_mb)"))
        #expect(CLI.runFolders(output).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: output + "/" + "runspec.json"))
    }

    @Test("bench drunet: the feature maps the footprint predicts are the allocator's peak", arguments: [
        ["--size", "40", "--batch", "2"], ["--size", "36", "--batch", "3", "--channels", "3"],
        ["--size", "40", "--depth", "12"], ["--size", "24", "--depth", "5", "--batch", "2"],
    ])
    func featureMaps(arguments: [String]) throws {
        let result = try CLI.run(["bench", "drunet", "--nc", "8,16,16,32", "--nb", "1", "--reps", "1", "--json"] + arguments)
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let measured = try #require(object["feature_map_peak_bytes"] as? Int)
        #expect(measured > 0)
        #expect(measured == object["predicted_feature_map_bytes"] as? Int)
    }
}
