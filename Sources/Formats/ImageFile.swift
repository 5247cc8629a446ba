import Tensor

/// Images read from and written to `.npy` or `.png` files for the command line.
public enum ImageFile {
    /// Reads `path`: a `.png` as `[1, C, H, W]` in [0, 1]; a `.npy` as an image `[H, W]` or a
    /// volume `[D, H, W]` (given `[1, 1]` in front), or `[B, C, H, W]` or `[B, C, D, H, W]`; NaN or
    /// infinite values are refused (`FiniteValues`).
    public static func read(_ path: String) throws -> ArrayLayout.Batched {
        if path.lowercased().hasSuffix(".png") {
            return ArrayLayout.Batched(tensor: try PNG.read(path: path), addedAxes: 0)
        }
        let tensor = try NPY.read(path: path)
        try FiniteValues.check(tensor, file: path)
        switch tensor.rank {
        case 2, 3: return ArrayLayout.Batched(tensor: try tensor.reshaped([1, 1] + tensor.shape), addedAxes: 2)
        case 4, 5: return ArrayLayout.Batched(tensor: tensor, addedAxes: 0)
        default: throw FormatError(file: path, "expected an image [H, W] or [B, C, H, W], or a volume [D, H, W] or [B, C, D, H, W], got shape \(tensor.shape)")
        }
    }

    /// Writes `image` to `path`: `.png` (values clamped to [0, 1]; one item of 1 or 3 channels,
    /// given as `[1, C, H, W]`, `[C, H, W]` or `[H, W]`) or `.npy`.
    public static func write(_ image: Tensor, to path: String) throws {
        guard path.lowercased().hasSuffix(".png") else { return try NPY.write(image, to: path) }
        let shape = Array(image.shape.drop { $0 == 1 && image.rank > 2 })
        let planes = shape.count == 2 ? 1 : shape[0]
        guard shape.count == 2 || (shape.count == 3 && (planes == 1 || planes == 3)) else {
            throw FormatError(file: path, "a PNG holds one grey or RGB image, got shape \(image.shape)")
        }
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        if planes == 3 {
            try PNG.writeRGB(try image.reshaped([3, height, width]), range: 0...1, to: path)
        } else {
            try PNG.writeGrey(try image.reshaped([height, width]), range: 0...1, to: path)
        }
    }
}
