import Yams

/// Maps offsets inside a YAML scalar's value back to line and column in its file, so that an error inside
/// an expression points at the right character whatever the quoting or block style.
///
/// The value is aligned with the source text greedily from the scalar's start mark: each value character
/// is matched with the next identical source character, skipping quotes, indentation, line breaks and escapes.
struct ScalarPositions {
    private var positions: [SourcePosition] = []
    private let fallback: SourcePosition

    init(value: String, start: SourcePosition, lines: [[Unicode.Scalar]]) {
        fallback = start
        var line = start.line - 1
        var column = start.column - 1
        for scalar in value.unicodeScalars {
            var scanned = 0
            var found: SourcePosition?
            var l = line, c = column
            while l < lines.count, scanned < 400 {
                if c < lines[l].count {
                    if lines[l][c] == scalar {
                        found = SourcePosition(file: start.file, line: l + 1, column: c + 1)
                        break
                    }
                    c += 1
                } else {
                    if scalar == "\n" || scalar == " " {
                        // A folded line break stands for a newline or a space in the value.
                        found = SourcePosition(file: start.file, line: l + 1, column: c + 1)
                        break
                    }
                    l += 1
                    c = 0
                }
                scanned += 1
            }
            guard let match = found else {
                positions.append(positions.last ?? start)
                continue
            }
            positions.append(match)
            line = match.line - 1
            column = match.column
            if column > (line < lines.count ? lines[line].count : 0) {
                line += 1
                column = 0
            }
        }
    }

    /// The position of the value character at `offset` (offsets past the end point just after the last one).
    func location(at offset: Int) -> SourcePosition {
        if offset < positions.count, offset >= 0 { return positions[offset] }
        guard var last = positions.last else { return fallback }
        last.column += 1 + (offset - positions.count)
        return last
    }
}
