import Datasets
import Physics
import Tensor
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("tomography_3d (synthetic)")
struct Tomography3DTests {
    @Test("view indices are linspace(0, total − 1, n) truncated, as torch gives them")
    func viewIndices() {
        let indices = Tomography3D.viewIndices(total: 1200, count: 50)
        #expect(indices.count == 50 && indices.first == 0 && indices.last == 1199)
        #expect(Array(indices.prefix(4)) == [0, 24, 48, 73])
        #expect(Tomography3D.viewIndices(total: 1200, count: 1) == [0])
    }

    @Test("the problem: a walnut-like scan split into view blocks, measurements [1, 1, R, V_k, U]")
    func problem() throws {
        let dataset = try Tomography3D(imgSize: [16], numOperators: 2, numProjections: 7)
        let problem = try dataset.makeProblem()
        #expect(problem.groundTruth.shape == [1, 1, 16, 16, 16])
        #expect(problem.measurements.map(\.shape) == [[1, 1, 31, 4, 25], [1, 1, 31, 3, 25]])
        let scan = try dataset.geometry()
        let magnification = ConeBeamGeometry.Walnut.sourceToDetector / ConeBeamGeometry.Walnut.sourceToAxis
        #expect(abs((scan.views[0].detectorCentre - scan.views[0].source).x.magnitude + (scan.views[0].detectorCentre - scan.views[0].source).y.magnitude - 199.011551) < 1e-9)
        #expect(abs(magnification - 3.0149) < 1e-3)
        #expect((problem.groundTruth.max() ?? 2) <= 1 && (problem.groundTruth.min() ?? -1) >= 0)
        #expect(throws: DatasetError.self) { try Tomography3D(imgSize: [16], numProjections: 1201) }
        #expect(throws: PhysicsError.self) { try Tomography3D(imgSize: [16], numOperators: 5, numProjections: 4) }
    }

    @Test("the exact line integrals of the phantom and the projections of its voxels agree (cone and parallel)")
    func analyticAgainstModel() throws {
        for beam in [ConeBeamGeometry.Beam.cone, .parallel] {
            let dataset = try Tomography3D(imgSize: [32], numProjections: 4, geometryType: beam)
            let scan = try dataset.geometry()
            let phantom = EllipsoidPhantom.sheppLogan3D
            let exact = phantom.analyticProjections(scan), model = try ConeBeam3D(geometry: scan).apply(phantom.voxelise(scan.volume))
            let relative = (exact - model).norm() / exact.norm()
            let mass = exact.sum() / model.sum()
            print("tomography_3d 32³ \(beam): relative L2 difference analytic vs projected voxels \(relative), total ratio \(mass)")
            // The skull is a shell a third of a voxel thick at 32³: the difference sits on its
            // tangent rays and shrinks with the size (0.18 at 32³, 0.11 at 64³); the totals agree.
            #expect(relative < 0.25 && abs(mass - 1) < 0.01)
        }
    }

    @Test("a slab [D, N, N] holds the middle D slices of the N³ phantom; its exact projections see only the slab")
    func slab() throws {
        let cube = try Tomography3D(imgSize: [24], numProjections: 4).makeProblem()
        let slabData = try Tomography3D(imgSize: [8, 24, 24], numProjections: 4)
        let slab = try slabData.makeProblem()
        #expect(slab.groundTruth.shape == [1, 1, 8, 24, 24])
        #expect(try slab.groundTruth == cube.groundTruth.slice(axis: 2, 8..<16))
        #expect(slab.measurements[0].shape == cube.measurements[0].shape)
        // Without clipping to the volume the exact integrals would carry the whole phantom's mass.
        let model = try slab.operators.operators[0].apply(slab.groundTruth)
        let relative = (slab.measurements[0] - model).norm() / model.norm(), mass = slab.measurements[0].sum() / model.sum()
        print("tomography_3d slab 8×24×24: relative L2 difference analytic vs projected voxels \(relative), total ratio \(mass)")
        #expect(relative < 0.3 && abs(mass - 1) < 0.02)
        #expect(cube.measurements[0].sum() > 1.3 * slab.measurements[0].sum())
        #expect(throws: DatasetError.self) { try Tomography3D(imgSize: [8, 24, 20]) }
        #expect(throws: DatasetError.self) { try Tomography3D(imgSize: [30, 24, 24]) }
    }

    @Test("FDK of the synthetic phantom's exact projections")
    func fdk() throws {
        let dataset = try Tomography3D(imgSize: [40], numProjections: 120)
        let problem = try dataset.makeProblem()
        let op = try #require(problem.operators.operators.first as? ConeBeam3D)
        let reconstruction = try FeldkampReconstruction(projector: op).reconstruct(problem.measurements[0])
        let error = (reconstruction - problem.groundTruth).norm()
        let mse = error * error / Double(reconstruction.count)
        let psnr = 10 * log10(1 / mse)
        print("tomography_3d 40³, 120 views, FDK: PSNR \(psnr) dB")
        #expect(psnr > 20)
    }
}
