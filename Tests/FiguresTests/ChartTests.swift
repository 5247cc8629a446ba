import Foundation
import Figures
import Testing

@Suite("Chart code: scales, ticks, paths, escaping")
struct ChartTests {
    @Test("linear ticks are 1/2/5 × 10ⁿ steps covering the data", arguments: [
        ([0.0, 97], [0.0, 20, 40, 60, 80, 100]),
        ([0.31, 0.87], [0.2, 0.4, 0.6, 0.8, 1]),
        ([-3.0, 12], [-5.0, 0, 5, 10, 15]),
        ([28.4, 38.2], [28.0, 30, 32, 34, 36, 38, 40]),
    ])
    func linearTicks(values: [Double], expected: [Double]) {
        let scale = NiceScale(covering: values, start: 0, end: 100)
        #expect(scale.ticks == expected)
        #expect(scale.lower <= values.min()! && scale.upper >= values.max()!)
    }

    @Test("log ticks: decades, with 2 and 5 on short ranges; non-positive values ignored")
    func logTicks() {
        let short = NiceScale(kind: .log, covering: [0.3, 8, 0, -1], start: 0, end: 300)
        #expect(short.ticks == [0.1, 0.2, 0.5, 1, 2, 5, 10])
        #expect(abs(short.position(1) - 150) < 1e-9 && abs(short.position(10) - 300) < 1e-9)
        let long = NiceScale(kind: .log, covering: [0.002, 3000], start: 0, end: 100)
        #expect(long.ticks == [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000])
    }

    @Test("positions map the domain onto the pixel range, also reversed for a y axis; a constant series gets a range")
    func positions() {
        let y = NiceScale(covering: [0, 10], start: 300, end: 20)
        #expect(y.position(0) == 300 && y.position(10) == 20 && y.position(5) == 160)
        let constant = NiceScale(covering: [3, 3], start: 0, end: 1)
        #expect(constant.lower < 3 && constant.upper > 3)
        #expect(NiceScale(covering: [], start: 0, end: 1).ticks.count >= 2)
    }

    @Test("tick labels are short", arguments: [(0.25, "0.25"), (1200, "1200"), (1e-5, "1e-05"), (2.5e7, "2.5e07"), (-0.5, "-0.5"), (0, "0"), (33.333333, "33.33")])
    func labels(value: Double, text: String) {
        #expect(NiceScale.format(value) == text)
    }

    @Test("path data: M then L, a new M after a gap (non-finite value, or x ≤ 0 on a log axis)")
    func paths() {
        let x = NiceScale(covering: [0, 10], start: 0, end: 100), y = NiceScale(covering: [0, 10], start: 100, end: 0)
        #expect(LineChart.pathData([(0, 0), (5, 5), (10, .nan), (10, 10)], x: x, y: y) == "M0 100 L50 50 M100 0")
        let logX = NiceScale(kind: .log, covering: [1, 100], start: 0, end: 100)
        #expect(LineChart.pathData([(0, 1), (1, 1), (100, 1)], x: logX, y: y) == "M0 90 L100 90")
    }

    @Test("labels are escaped in text and tooltips; one path per series, one marker per point")
    func lineChartSVG() {
        let chart = LineChart(title: "PSNR <vs> iteration", xLabel: "iteration", yLabel: "PSNR (dB)", series: [
            ChartSeries(name: "2 processes · tiles 448/32 & \"batch\" 0", points: [(1, 30), (2, 31), (3, 32)]),
            ChartSeries(name: "1 process", points: [(1, 29), (2, 30)]),
        ])
        let svg = chart.svg()
        #expect(svg.contains("data-series=\"2\""))
        #expect(svg.components(separatedBy: "class=\"series\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 5)
        #expect(svg.contains("PSNR &lt;vs&gt; iteration") && svg.contains("tiles 448/32 &amp; &quot;batch&quot; 0"))
        #expect(!svg.contains("<vs>") && !svg.contains("& \""))
    }

    @Test("a long legend entry wraps at spaces onto lines that fit, and the plot makes room for them")
    func legendWrapping() {
        let long = "PnP (drunet σ 0.015, init fbp) · tomography_2d 2048², 8 operators · 16 processes · tiles 448/32 · batch 4"
        var narrow = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [ChartSeries(name: long, points: [(1, 1), (2, 2)])])
        var wide = narrow
        (narrow.width, wide.width) = (300, 1200)
        let lines = narrow.svg().components(separatedBy: "<tspan").dropFirst().map { $0.components(separatedBy: ">")[1].components(separatedBy: "<")[0] }
        #expect(lines.count >= 3 && lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines.joined(separator: " ") == long.replacingOccurrences(of: "&", with: "&amp;"))
        #expect(wide.svg().components(separatedBy: "<tspan").count - 1 == 1)
        #expect(narrow.scales().y.start < wide.scales().y.start, "the wrapped legend takes height from the plot")
    }

    @Test("stacked bars: segments stack from zero in order, negative and missing values count as zero, totals above")
    func stackedBars() {
        var chart = StackedBarChart(title: "time per iteration", yLabel: "s", categories: ["a", "b"],
                                    parts: [("gradient", [1, 2]), ("denoiser", [3, -1]), ("communication", [0.5])])
        chart.details = [["rank 0: 4.5 s", "rank 1: <4 s>"]]
        let stacks = chart.stacks()
        #expect(stacks[0].map(\.top) == [1, 4, 4.5] && stacks[1].map(\.top) == [2, 2, 2])
        let svg = chart.svg()
        #expect(svg.components(separatedBy: "class=\"segment\"").count - 1 == 4)
        #expect(svg.contains("data-series=\"3\"") && svg.contains("a — denoiser: 3\nrank 0: 4.5 s\nrank 1: &lt;4 s&gt;</title>")
                && svg.contains(">4.5</text>") && svg.contains("b — gradient: 2</title>"))
    }

    @Test("escaping covers the five special characters")
    func escaping() {
        #expect(SVGText.escape("<a href='x'>\"&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;")
        #expect(SVGText.coordinate(12.345) == "12.3" && SVGText.coordinate(-0.04) == "0" && SVGText.coordinate(-3.25) == "-3.3")
    }
}
