/// A stacked bar chart as inline SVG: one bar per category, one coloured segment per part,
/// stacked from zero in order; tooltips give the category, the part and its value, and the total
/// is printed above each bar. The root `<svg>` carries `data-series` = the number of parts, each
/// segment `class="segment"`.
public struct StackedBarChart: Sendable {
    public var title: String
    public var yLabel: String
    /// Bar names, left to right.
    public var categories: [String]
    /// Parts of each bar: a name and one value per category (non-finite or negative values count as 0).
    public var parts: [(name: String, values: [Double])]
    /// Extra tooltip lines per category (e.g. the values of every rank).
    public var details: [[String]] = []
    public var width = 640.0
    public var height = 360.0

    public init(title: String, yLabel: String, categories: [String], parts: [(name: String, values: [Double])]) {
        self.title = title
        self.yLabel = yLabel
        self.categories = categories
        self.parts = parts
    }

    /// Each bar's segments as (bottom, top) values, part by part.
    public func stacks() -> [[(bottom: Double, top: Double)]] {
        categories.indices.map { category in
            var height = 0.0
            return parts.map { part in
                let value = category < part.values.count ? part.values[category] : 0
                let bottom = height
                height += value.isFinite && value > 0 ? value : 0
                return (bottom, height)
            }
        }
    }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        let stacks = stacks(), legendHeight = ChartFrame.legendHeight(parts.map(\.name), width: width)
        let margins = LineChart.margins
        let y = NiceScale(covering: stacks.map { $0.last?.top ?? 0 }.map { $0 * 1.1 }, start: height - margins.bottom - legendHeight,
                          end: margins.top, includeZero: true)
        let slot = (width - margins.left - margins.right) / Double(max(categories.count, 1))
        var out = ChartFrame.open(.init(width: width, height: height, title: title, seriesCount: parts.count))
        // Category i is centred at i + 0.5 slots.
        let x = NiceScale(centres: categories.indices.map { Double($0) + 0.5 }, lower: 0, upper: Double(max(categories.count, 1)),
                          start: margins.left, end: width - margins.right)
        out += ChartFrame.axes(x: x, y: y, width: width, xLabel: "", yLabel: yLabel,
                               height: height, legendHeight: legendHeight, xTickLabels: categories)
        for (index, stack) in stacks.enumerated() {
            let left = margins.left + (Double(index) + 0.2) * slot, barWidth = 0.6 * slot
            let category = SVGText.escape(categories[index])
            for (part, segment) in zip(parts, stack) where segment.top > segment.bottom {
                let top = y.position(segment.top), bottom = y.position(segment.bottom)
                out += "<rect class=\"segment\" x=\"\(SVGText.coordinate(left))\" y=\"\(SVGText.coordinate(top))\" width=\"\(SVGText.coordinate(barWidth))\" "
                    + "height=\"\(SVGText.coordinate(bottom - top))\" fill=\"\(ChartPalette.colour(parts.firstIndex { $0.name == part.name } ?? 0))\">"
                    + "<title>\(category) — \(SVGText.escape(part.name)): \(NiceScale.format(segment.top - segment.bottom))"
                    + (index < details.count ? details[index].map { "\n" + SVGText.escape($0) }.joined() : "") + "</title></rect>\n"
            }
            let total = stack.last?.top ?? 0
            out += "<text class=\"total\" x=\"\(SVGText.coordinate(left + barWidth / 2))\" y=\"\(SVGText.coordinate(y.position(total) - 4))\" "
                + "text-anchor=\"middle\" font-size=\"11\">\(NiceScale.format(total))</text>\n"
        }
        out += ChartFrame.legend(parts.map(\.name), width: width, top: height - legendHeight - 4)
        return out + "</svg>\n"
    }
}
