import Formats
import Foundation
import Tensor
import Testing

@Suite("invscale denoise")
struct DenoiseTests {
    /// The DRUNet fixtures made with PyTorch by tools/reference/drunet_fixture.py.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("DenoisersTests/Fixtures").path

    @Test("a .npy image through a .pth checkpoint gives PyTorch's output")
    func matchesReference() throws {
        let folder = try CLI.temporaryFolder()
        let result = try CLI.run(["denoise", "--weights", "\(Self.fixtures)/drunet_small_gray.pth", "--sigma", "0.05",
                                  "\(Self.fixtures)/case_gray32x40_input.npy", "\(folder)/out.npy"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("weights from"))
        let output = try NPY.read(path: "\(folder)/out.npy")
        let expected = try NPY.read(path: "\(Self.fixtures)/case_gray32x40_output.npy")
        #expect(output.shape == expected.shape)
        let error = (output - expected).withUnsafeBufferPointer { $0.map(abs).max() ?? 1 }
        #expect(error <= 1e-4, "max abs error \(error)")
    }

    @Test("a volume .npy [D, H, W] through a 2-D checkpoint (converted to 3-D) gives PyTorch's output; tiled volumes too")
    func volume() throws {
        let folder = try CLI.temporaryFolder()
        let input = try NPY.read(path: "\(Self.fixtures)/case3d_gray6x13x21_input.npy")
        try NPY.write(try input.reshaped([6, 13, 21]), to: "\(folder)/volume.npy")
        let result = try CLI.run(["denoise", "--weights", "\(Self.fixtures)/drunet_small_gray.pth", "--sigma", "0.1",
                                  "\(folder)/volume.npy", "\(folder)/out.npy"])
        #expect(result.status == 0, "\(result.error)")
        let output = try NPY.read(path: "\(folder)/out.npy")
        let expected = try NPY.read(path: "\(Self.fixtures)/case3d_gray6x13x21_output.npy")
        #expect(output.shape == [6, 13, 21])
        let error = zip(output.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 1
        #expect(error <= 1e-4, "max abs error \(error)")
        let tiled = try CLI.run(["denoise", "--weights", "\(Self.fixtures)/drunet_small_gray.safetensors", "--sigma", "0.1",
                                 "--patch", "4,8,8", "--overlap", "1,2,2", "--max-batch", "2", "\(folder)/volume.npy", "\(folder)/tiled.npy"])
        #expect(tiled.status == 0, "\(tiled.error)")
        #expect(try NPY.read(path: "\(folder)/tiled.npy").shape == [6, 13, 21])
        let bad = try CLI.run(["denoise", "--model", "bundled", "--sigma", "0.1", "--patch", "4,8", "\(folder)/volume.npy", "\(folder)/x.npy"])
        #expect(bad.status != 0 && bad.error.contains("--patch"))
    }

    @Test("PNG in, tiled, PNG out")
    func pngTiled() throws {
        let folder = try CLI.temporaryFolder()
        let values: [Float] = (0..<(70 * 90)).map { (index: Int) -> Float in
            let ramp: Int = index % 90 + index / 90
            return Float(ramp) / 160
        }
        try PNG.writeGrey(Tensor(shape: [70, 90], values: values), range: 0...1, to: "\(folder)/in.png")
        let result = try CLI.run(["denoise", "--weights", "\(Self.fixtures)/drunet_small_gray.safetensors",
                                  "--sigma", "0.1", "--patch", "32", "--overlap", "8", "--max-batch", "3",
                                  "\(folder)/in.png", "\(folder)/out.png"])
        #expect(result.status == 0, "\(result.error)")
        #expect(try PNG.read(path: "\(folder)/out.png").shape == [1, 1, 70, 90])
    }

    @Test("bad input names the problem")
    func badInput() throws {
        let folder = try CLI.temporaryFolder()
        let image = "\(Self.fixtures)/case_gray32x40_input.npy"
        let cases: [([String], String)] = [
            (["denoise", "--sigma=-1", image, "\(folder)/o.npy"], "--sigma"),
            (["denoise", "--weights", "\(folder)/missing.pth", "--sigma", "0.1", image, "\(folder)/o.npy"], "missing.pth"),
            (["denoise", "--weights", "\(Self.fixtures)/drunet_small_color.pth", "--sigma", "0.1", image, "\(folder)/o.npy"], "channels"),
            (["denoise", "--model", "tiny", "--sigma", "0.1", image, "\(folder)/o.npy"], "unknown model"),
            (["denoise", "--weights", "\(Self.fixtures)/case_gray32x40_input.npy", "--sigma", "0.1", image, "\(folder)/o.npy"], "case_gray32x40_input.npy"),
        ]
        for (arguments, text) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.error.contains(text), "\(arguments): \(result.error)")
            #expect(!result.error.contains("Fatal error"))
        }
    }
}
