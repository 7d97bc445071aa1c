/// How a text is cut into SMS parts: one part when it fits the single-part limit, otherwise concatenated parts
/// of at most the concatenated limit, leaving room for the header that joins them.
///
/// Each unit is one Unicode scalar with its width in the encoding's units: 1 or 2 septets in GSM-7 (an
/// extension-table character is an escape and a septet), 1 or 2 UTF-16 code units in UCS-2 (a surrogate pair).
/// A unit is never split across parts, so a part may end one short of the limit. Parts are filled greedily,
/// which is both what phones and gateways do and the fewest parts possible for units of width 1 and 2.
enum SMSSegmenter {
    /// The number of units in each part, in order. An empty text is one (empty) part.
    static func partSizes(widths: [Int], singleLimit: Int, concatenatedLimit: Int) -> [Int] {
        let total = widths.reduce(0, +)
        if total <= singleLimit { return [widths.count] }
        var sizes: [Int] = []
        var used = 0
        var count = 0
        for width in widths {
            if used + width > concatenatedLimit {
                sizes.append(count)
                used = 0
                count = 0
            }
            used += width
            count += 1
        }
        sizes.append(count)
        return sizes
    }
}
