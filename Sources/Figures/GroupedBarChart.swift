/// A grouped bar chart as inline SVG: for each category a group of bars side by side, one per
/// series, from zero; tooltips give the category, the series and the value. The root `<svg>`
/// carries `data-series` = the number of series, each bar `class="bar"`.
public struct GroupedBarChart: Sendable {
    public var title: String
    public var yLabel: String
    public var categories: [String]
    /// Each series: a name and one value per category (non-finite values draw no bar).
    public var series: [(name: String, values: [Double])]
    public var width = 640.0
    public var height = 360.0

    public init(title: String, yLabel: String, categories: [String], series: [(name: String, values: [Double])]) {
        self.title = title
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
    }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        let legendHeight = ChartFrame.legendHeight(series.map(\.name), width: width), margins = LineChart.margins
        let values = series.flatMap(\.values).filter(\.isFinite)
        let y = NiceScale(covering: values.map { $0 * 1.05 }, start: height - margins.bottom - legendHeight, end: margins.top,
                          includeZero: true)
        let slot = (width - margins.left - margins.right) / Double(max(categories.count, 1))
        let x = NiceScale(centres: categories.indices.map { Double($0) + 0.5 }, lower: 0, upper: Double(max(categories.count, 1)),
                          start: margins.left, end: width - margins.right)
        var out = ChartFrame.open(.init(width: width, height: height, title: title, seriesCount: series.count))
        out += ChartFrame.axes(x: x, y: y, width: width, xLabel: "", yLabel: yLabel, height: height, legendHeight: legendHeight,
                               xTickLabels: categories)
        let barWidth = 0.8 * slot / Double(max(series.count, 1))
        for (category, name) in categories.enumerated() {
            for (index, line) in series.enumerated() where category < line.values.count && line.values[category].isFinite {
                let value = line.values[category]
                let left = margins.left + (Double(category) + 0.1) * slot + Double(index) * barWidth
                let top = y.position(max(value, 0)), bottom = y.position(0)
                out += "<rect class=\"bar\" x=\"\(SVGText.coordinate(left))\" y=\"\(SVGText.coordinate(top))\" width=\"\(SVGText.coordinate(barWidth * 0.9))\" "
                    + "height=\"\(SVGText.coordinate(bottom - top))\" fill=\"\(ChartPalette.colour(index))\">"
                    + "<title>\(SVGText.escape(name)) — \(SVGText.escape(line.name)): \(NiceScale.format(value))</title></rect>\n"
            }
        }
        out += ChartFrame.legend(series.map(\.name), width: width, top: height - legendHeight - 4)
        return out + "</svg>\n"
    }
}
