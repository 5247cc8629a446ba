import Formats
import Foundation
import Tensor
import Testing

/// The command-line side of batch invariance (docs/determinism.md): `invscale denoise` with any
/// `--max-batch`, and PnP runs whose tiles are split over 1, 2 or 3 real OpenMPI ranks, give the
/// same bits. `make test-kernels` runs these under each OPENBLAS_CORETYPE of our machines.
@Suite("rank invariance: the same denoised bits for any --max-batch and on 1, 2 or 3 ranks", .serialized)
struct RankInvarianceTests {
    @Test("invscale denoise --model bundled --patch 32 --overlap 8 writes the same bytes for --max-batch 0, 1 and 3")
    func denoiseBatches() throws {
        let folder = try CLI.temporaryFolder()
        let image = NormalGenerator(seed: 31).tensor(shape: [1, 1, 90, 77])
        try NPY.write(image, to: "\(folder)/in.npy")
        var outputs: [Data] = []
        for batch in ["0", "1", "3"] {
            let result = try CLI.run(["denoise", "--model", "bundled", "--sigma", "0.05", "--patch", "32", "--overlap", "8",
                                      "--max-batch", batch, "\(folder)/in.npy", "\(folder)/out\(batch).npy"])
            #expect(result.status == 0, "--max-batch \(batch): \(result.error)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/out\(batch).npy")))
        }
        #expect(outputs.count == 3 && outputs.allSatisfy { $0 == outputs[0] })
    }

    @Test("tiled PnP with distribute_denoiser on 2 and 3 mpirun ranks (max_batch_size 1 and 3) equals 1 process bit for bit",
          .enabled(if: mpirunPath != nil, "mpirun not found: scripts/bootstrap.sh installs openmpi-bin"))
    func ranks() throws {
        let folder = try CLI.temporaryFolder(), output = folder + "/results"
        let config = try RunCommandTests.write("""
            dataset:
              - tomography_2d:
                  img_size: 96
                  num_angles: 30
                  num_operators: 4
            solver:
              - PnP:
                  denoiser: drunet
                  denoiser_weights: \(DistributedRunTests.weights)
                  denoiser_sigma: 0.015
                  denoiser_lambda_relaxation: 5000.0
                  init_method: fbp
                  patch_size: 40
                  overlap: 12
                  slurm_ntasks_per_node, distribute_physics, distribute_denoiser, max_batch_size: [
                    [1, false, true, 0],
                    [2, false, true, 1],
                    [3, false, true, 3],
                  ]
            max-runs: 2
            """, in: folder)
        let result = try CLI.run(["run", config, "--output", output, "--launcher", "mpirun"],
                                 environment: DistributedRunTests.environment)
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let runs = try DistributedRunTests.results(output)
        let reference = try #require(runs["1 false true"]).image
        for processes in [2, 3] {
            let run = try #require(runs["\(processes) false true"], "\(processes) ranks: run missing")
            #expect(run.record["status"] as? String == "finished" && run.record["processes"] as? Int == processes)
            let difference = zip(run.image.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference == 0, "\(processes) ranks: max difference \(difference), expected a bit-identical result")
        }
    }
}
