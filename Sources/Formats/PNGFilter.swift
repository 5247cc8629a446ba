/// The five PNG row filters (None, Sub, Up, Average, Paeth), reversed in place.
enum PNGFilter {
    /// Reverses filter `type` on `row`, given `previous`, the reconstructed row above it in the same
    /// pass (all zeros for the first row), and the filter's pixel size in bytes (at least 1).
    /// Returns false, leaving `row` as it was, if `type` is not 0 to 4.
    static func unfilter(_ type: UInt8, _ row: UnsafeMutableBufferPointer<UInt8>,
                         previous: UnsafeBufferPointer<UInt8>, bytesPerPixel: Int) -> Bool {
        let count = row.count, step = bytesPerPixel
        switch type {
        case 0:
            break
        case 1:
            for index in stride(from: step, to: count, by: 1) { row[index] &+= row[index - step] }
        case 2:
            for index in 0..<count { row[index] &+= previous[index] }
        case 3:
            for index in 0..<count {
                let left = index >= step ? Int(row[index - step]) : 0
                row[index] &+= UInt8((left + Int(previous[index])) / 2)
            }
        case 4:
            for index in 0..<count {
                let left = index >= step ? Int(row[index - step]) : 0
                let upperLeft = index >= step ? Int(previous[index - step]) : 0
                row[index] &+= UInt8(paeth(left: left, above: Int(previous[index]), upperLeft: upperLeft))
            }
        default:
            return false
        }
        return true
    }

    /// Of the three neighbours, the one closest to `left + above - upperLeft` (ties prefer left,
    /// then above).
    private static func paeth(left: Int, above: Int, upperLeft: Int) -> Int {
        let toLeft = abs(above - upperLeft), toAbove = abs(left - upperLeft)
        let toUpperLeft = abs(left + above - 2 * upperLeft)
        if toLeft <= toAbove && toLeft <= toUpperLeft { return left }
        return toAbove <= toUpperLeft ? above : upperLeft
    }
}
