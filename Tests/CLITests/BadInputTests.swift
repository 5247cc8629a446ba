import Formats
import Foundation
import Tensor
import Testing

@Suite("invscale bad input: one-line errors naming the argument or file, non-zero exit")
struct BadInputTests {
    /// Runs `arguments`, expects failure, and returns the error text.
    func failure(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let result = try CLI.run(arguments, environment: environment)
        #expect(result.status != 0, "expected a failure for \(arguments)")
        #expect(!result.error.contains("Fatal error"), "crashed: \(result.error)")
        return result.error
    }

    @Test("invalid sizes, angles, noise and operator counts")
    func numbers() throws {
        let folder = try CLI.temporaryFolder()
        let cases: [([String], String)] = [
            (["op", "parallel2d", "--size", "-4", "--angles", "10", "a.npy", "b.npy"], "--size"),
            (["op", "parallel2d", "--size", "8", "--angles", "0", "a.npy", "b.npy"], "--angles"),
            (["fbp", "--size", "0", "--angles", "10", "a.npy", "b.npy"], "--size"),
            (["dataset", "tomography_2d", "--img-size=-1", "--export", folder], "img_size"),
            (["dataset", "tomography_2d", "--img-size", "-1", "--export", folder], "--img-size"),
            (["dataset", "tomography_2d", "--noise-level=-0.5", "--export", folder], "noise_level"),
            (["dataset", "tomography_2d", "--num-angles", "0", "--export", folder], "num_angles"),
            (["dataset", "tomography_2d", "--num-angles", "4", "--num-operators", "5", "--export", folder], "num_operators"),
            (["bench", "projector", "--size", "0"], "--size"),
            (["bench", "projector", "--threads", "0"], "--threads"),
            (["metrics", "a.npy", "b.npy", "--max-pixel", "0"], "--max-pixel"),
            (["bench", "drunet", "--nc", "8,16,32"], "--nc"),
            (["bench", "drunet", "--channels", "2"], "--channels"),
            (["bench", "drunet", "--depth", "0"], "--depth"),
            (["dataset", "highres_color_image", "--image-size", "4", "--export", folder], "image_size"),
            (["dataset", "highres_color_image", "--num-operators", "0", "--export", folder], "num_operators"),
            (["bench", "blur", "--size", "2"], "--size"),
            (["bench", "pnp", "--dataset", "walnut"], "--dataset"),
            (["data", "fetch", "bsd"], "walnut or highres"),
        ]
        for (arguments, name) in cases {
            let message = try failure(arguments)
            #expect(message.contains(name), "\(arguments): \(message)")
        }
    }

    @Test("INVSCALE_THREADS must be a positive integer")
    func threadVariable() throws {
        let message = try failure(["bench", "projector", "--size", "8", "--reps", "1"],
                                  environment: ["INVSCALE_THREADS": "lots"])
        #expect(message.contains("INVSCALE_THREADS"))
    }

    @Test("unreadable, non-float and wrongly shaped arrays name the file")
    func files() throws {
        let folder = try CLI.temporaryFolder()
        let missing = "\(folder)/missing.npy"
        #expect(try failure(["op", "parallel2d", "--size", "8", "--angles", "4", missing, "\(folder)/o.npy"]).contains(missing))

        // An int64 array, written byte by byte as numpy writes it.
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"
        header += String(repeating: " ", count: 128 - 10 - header.count - 1) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + Array(header.utf8)
        bytes += [UInt8](repeating: 0, count: 16)
        let integers = "\(folder)/integers.npy"
        try Data(bytes).write(to: URL(fileURLWithPath: integers))
        let dtype = try failure(["metrics", integers, integers])
        #expect(dtype.contains(integers) && dtype.contains("<i8"), "\(dtype)")

        let wrong = "\(folder)/wrong.npy"
        try NPY.write(Tensor(shape: [5, 5]), to: wrong)
        let shape = try failure(["op", "parallel2d", "--size", "8", "--angles", "4", wrong, "\(folder)/o.npy"])
        #expect(shape.contains(wrong) && shape.contains("[8, 8]"), "\(shape)")
        let sinogram = try failure(["fbp", "--size", "5", "--angles", "3", wrong, "\(folder)/o.npy"])
        #expect(sinogram.contains(wrong), "\(sinogram)")

        let other = "\(folder)/other.npy"
        try NPY.write(Tensor(shape: [4, 4]), to: other)
        #expect(try failure(["metrics", wrong, other]).contains("does not match"))

        let garbage = "\(folder)/garbage.npy"
        try Data("not an array".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(try failure(["metrics", garbage, garbage]).contains(garbage))
    }

    @Test("each error is a single line")
    func oneLine() throws {
        let message = try failure(["dataset", "tomography_2d", "--num-angles", "4", "--num-operators", "5",
                                   "--export", try CLI.temporaryFolder()])
        let lines = message.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1, "\(message)")
    }
}
