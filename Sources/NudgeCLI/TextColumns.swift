/// Plain-text tables for terminals: each column padded to its widest cell, numbers right-aligned.
enum TextColumns {
    /// One line per row, cells two spaces apart; `numeric` columns right-aligned; no trailing spaces.
    static func align(_ rows: [[String]], numeric: ClosedRange<Int>?) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            var line = row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return numeric?.contains(column) == true ? pad + cell : cell + pad
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line + "\n"
        }.joined()
    }
}
