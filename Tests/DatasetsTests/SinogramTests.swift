#if canImport(Glibc)
import Glibc
#endif
import Datasets
import Physics
import Tensor
import Testing

/// `‖a − b‖ / ‖b‖`.
func relativeError(_ a: Tensor, _ b: Tensor) -> Double { (a - b).norm() / b.norm() }

@Suite("Analytic sinogram")
struct SinogramTests {
    @Test("ParallelBeam2D of the rasterised Shepp–Logan matches the analytic sinogram", arguments: [256, 512])
    func projectorAgreement(size: Int) throws {
        let phantom = EllipsePhantom.modifiedSheppLogan
        let geometry = try ParallelBeamGeometry(size: size, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: 90))
        let projected = try ParallelBeam2D(geometry: geometry).apply(phantom.rasterize(size: size))
        let analytic = phantom.analyticSinogram(geometry: geometry)
        #expect(analytic.shape == [1, 1, 90, size])
        let error = relativeError(projected, analytic)
        print("Shepp–Logan N=\(size), 90 angles, circle: relative L2 error projector vs analytic = \(error)")
        #expect(error < 0.02)
    }

    @Test("full (non-circle) detector agrees too")
    func projectorAgreementFull() throws {
        let phantom = EllipsePhantom.modifiedSheppLogan
        let geometry = try ParallelBeamGeometry(size: 128, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: 45),
                                                circle: false)
        let projected = try ParallelBeam2D(geometry: geometry).apply(phantom.rasterize(size: 128))
        let error = relativeError(projected, phantom.analyticSinogram(geometry: geometry))
        print("Shepp–Logan N=128, 45 angles, full detector: relative L2 error = \(error)")
        #expect(error < 0.03)
    }

    @Test("a small off-centre disk projects to the chord 2·sqrt(r² − s²) around x0·cosθ + y0·sinθ")
    func smallDisk() throws {
        let (x0, y0, r, n) = (0.3, -0.2, 0.1, 64)
        let disk = EllipsePhantom(ellipses: [Ellipse(centreX: x0, centreY: y0, semiAxisX: r, semiAxisY: r,
                                                     rotationDegrees: 0, density: 1)], valueRange: 0...1)
        let angles: [Double] = [0, 30, 90, 135, 250]
        let geometry = try ParallelBeamGeometry(size: n, anglesDegrees: angles)
        let analytic = disk.analyticSinogram(geometry: geometry)
        let projected = try ParallelBeam2D(geometry: geometry).apply(disk.rasterize(size: n))
        for (a, degrees) in angles.enumerated() {
            let theta = degrees * Double.pi / 180
            let offset: Double = x0 * cos(theta) + y0 * sin(theta)
            let centre: Double = offset * Double(n) / 2 + Double(n - 1) / 2
            let peak = Int(centre.rounded())
            for k in 0..<n {
                let s = (Double(k) - centre) * 2 / Double(n)
                let chord: Double = s * s < r * r ? (r * r - s * s).squareRoot() * Double(n) : 0
                #expect(abs(Double(analytic[0, 0, a, k]) - chord) < 1e-4, "θ=\(degrees)° k=\(k)")
            }
            #expect(argmax(analytic, angle: a) == peak, "θ=\(degrees)°")
            #expect(abs(argmax(projected, angle: a) - peak) <= 1, "θ=\(degrees)°")
        }
    }

    @Test("a tilted off-centre ellipse: the rotation sign matches the projector")
    func tiltedEllipse() throws {
        let n = 128
        let tilted = { (degrees: Double) in
            EllipsePhantom(ellipses: [Ellipse(centreX: -0.2, centreY: 0.3, semiAxisX: 0.5, semiAxisY: 0.1,
                                              rotationDegrees: degrees, density: 1)], valueRange: 0...1)
        }
        let geometry = try ParallelBeamGeometry(size: n, anglesDegrees: ParallelBeamGeometry.uniformAngles(count: 36))
        let projected = try ParallelBeam2D(geometry: geometry).apply(tilted(30).rasterize(size: n))
        let matching = relativeError(projected, tilted(30).analyticSinogram(geometry: geometry))
        let mirrored = relativeError(projected, tilted(-30).analyticSinogram(geometry: geometry))
        print("tilted ellipse N=\(n): relative L2 error \(matching), against the mirrored ellipse \(mirrored)")
        #expect(matching < 0.04, "relative error \(matching)")
        #expect(mirrored > 0.3, "relative error against the mirrored ellipse \(mirrored)")
    }

    private func argmax(_ sinogram: Tensor, angle: Int) -> Int {
        let g = sinogram.shape[3]
        return (0..<g).max { sinogram[0, 0, angle, $0] < sinogram[0, 0, angle, $1] }!
    }
}
