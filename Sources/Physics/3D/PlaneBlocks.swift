/// Contiguous copies of a few planes across x or y of a `D×H×W` volume, as `SweepStep` reads and
/// writes them: plane k becomes `D` rows of its other horizontal axis (H voxels for a plane across
/// x, W across y), planes one after another. Across y this is a row copy; across x a transpose
/// that reads each cache line of the volume once per block.
struct PlaneBlocks {
    /// Planes per block.
    static var planes: Int { 16 }

    let depth: Int, height: Int, width: Int

    /// Voxels of one copied plane across `axis` (0: x, 1: y).
    func planeCount(axis: Int) -> Int { depth * (axis == 0 ? height : width) }

    /// Copies planes `first..<first+count` across `axis` into `target`.
    func copy(_ volume: UnsafePointer<Float>, axis: Int, first: Int, count: Int, into target: UnsafeMutablePointer<Float>) {
        visit(axis: axis, first: first, count: count) { voxel, copied in target[copied] = volume[voxel] }
    }

    /// Adds `source`, planes `first..<first+count` across `axis` as `copy` lays them out, into the volume.
    func add(_ source: UnsafePointer<Float>, axis: Int, first: Int, count: Int, into volume: UnsafeMutablePointer<Float>) {
        visit(axis: axis, first: first, count: count) { voxel, copied in volume[voxel] += source[copied] }
    }

    /// `body(volume index, copy index)` for every voxel of the planes, in the volume's order.
    @inline(__always)
    private func visit(axis: Int, first: Int, count: Int, _ body: (Int, Int) -> Void) {
        let plane = planeCount(axis: axis)
        for z in 0..<depth {
            if axis == 1 {
                for k in 0..<count {
                    let voxel = (z * height + first + k) * width, copied = k * plane + z * width
                    for x in 0..<width { body(voxel + x, copied + x) }
                }
            } else {
                for y in 0..<height {
                    let voxel = (z * height + y) * width + first, copied = z * height + y
                    for k in 0..<count { body(voxel + k, k * plane + copied) }
                }
            }
        }
    }
}
