/// One named line of a chart: points (x, y); points with a non-finite coordinate (or x ≤ 0 on a
/// log axis) break the line.
public struct ChartSeries: Sendable, Equatable {
    public let name: String
    public let points: [(x: Double, y: Double)]

    public init(name: String, points: [(x: Double, y: Double)]) {
        self.name = name
        self.points = points
    }

    public static func == (a: ChartSeries, b: ChartSeries) -> Bool {
        a.name == b.name && a.points.elementsEqual(b.points) { $0.x == $1.x && $0.y == $1.y }
    }
}

/// A line chart drawn as inline SVG: axes with nice ticks and a light grid, one path per series
/// with round markers whose tooltips (`<title>`) give the series and the values, and a legend.
/// The root `<svg>` carries `data-series="N"`, each line `class="series"`.
public struct LineChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: NiceScale.Kind = .linear
    public var series: [ChartSeries]
    /// Dashed reference lines (e.g. ideal speedup), drawn under the series.
    public var references: [ChartSeries] = []
    /// Ticks exactly at these x values (process counts) instead of nice ones.
    public var xTicks: [Double]?
    public var width = 640.0
    public var height = 360.0

    public init(title: String, xLabel: String, yLabel: String, xScale: NiceScale.Kind = .linear, series: [ChartSeries],
                references: [ChartSeries] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.series = series
        self.references = references
    }

    /// The chart's margins: left, right, top, bottom (room for tick labels, axis titles, legend).
    static let margins = (left: 64.0, right: 16.0, top: 32.0, bottom: 48.0)

    /// The scales the chart uses.
    public func scales() -> (x: NiceScale, y: NiceScale) {
        let all = series + references
        let legendHeight = ChartFrame.legendHeight(series.map(\.name), width: width)
        var x = NiceScale(kind: xScale, covering: all.flatMap { $0.points.map(\.x) },
                          start: Self.margins.left, end: width - Self.margins.right)
        if let xTicks, let low = xTicks.min(), let high = xTicks.max(), high > low, xScale == .linear {
            x = NiceScale(centres: xTicks, lower: low, upper: high, start: x.start, end: x.end)
        }
        let y = NiceScale(covering: all.flatMap { $0.points.map(\.y) },
                          start: height - Self.margins.bottom - legendHeight, end: Self.margins.top)
        return (x, y)
    }

    /// The SVG path data of `points` on the scales: `M x y L x y …`, a new `M` after every gap.
    public static func pathData(_ points: [(x: Double, y: Double)], x: NiceScale, y: NiceScale) -> String {
        var parts: [String] = [], pen = false
        for point in points {
            guard point.x.isFinite, point.y.isFinite, x.kind == .linear || point.x > 0 else {
                pen = false
                continue
            }
            parts.append((pen ? "L" : "M") + SVGText.coordinate(x.position(point.x)) + " " + SVGText.coordinate(y.position(point.y)))
            pen = true
        }
        return parts.joined(separator: " ")
    }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        let (x, y) = scales()
        var out = ChartFrame.open(.init(width: width, height: height, title: title, seriesCount: series.count))
        out += ChartFrame.axes(x: x, y: y, width: width, xLabel: xLabel, yLabel: yLabel, height: height,
                               legendHeight: ChartFrame.legendHeight(series.map(\.name), width: width))
        for reference in references {
            out += "<path class=\"reference\" d=\"\(Self.pathData(reference.points, x: x, y: y))\" fill=\"none\" stroke=\"#888\" stroke-dasharray=\"5 4\"><title>\(SVGText.escape(reference.name))</title></path>\n"
        }
        for (index, line) in series.enumerated() {
            let colour = ChartPalette.colour(index), name = SVGText.escape(line.name)
            out += "<g class=\"series-group\"><path class=\"series\" d=\"\(Self.pathData(line.points, x: x, y: y))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"><title>\(name)</title></path>\n"
            for point in line.points where point.x.isFinite && point.y.isFinite && (x.kind == .linear || point.x > 0) {
                out += "<circle cx=\"\(SVGText.coordinate(x.position(point.x)))\" cy=\"\(SVGText.coordinate(y.position(point.y)))\" r=\"2.5\" fill=\"\(colour)\">"
                    + "<title>\(name): \(SVGText.escape(xLabel)) \(NiceScale.format(point.x)), \(SVGText.escape(yLabel)) \(NiceScale.format(point.y))</title></circle>\n"
            }
            out += "</g>\n"
        }
        out += ChartFrame.legend(series.map(\.name), width: width, top: height - ChartFrame.legendHeight(series.map(\.name), width: width) - 4)
        return out + "</svg>\n"
    }
}
