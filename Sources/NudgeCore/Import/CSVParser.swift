/// An incremental CSV reader (RFC 4180 with the usual liberties): bytes go in a chunk at a time, whole rows come
/// out, so a file of any size is read in constant memory.
///
/// Fields are separated by commas; a field in double quotes may hold commas, line breaks and doubled quotes (`""`).
/// Rows end with LF, CRLF or a lone CR. A UTF-8 byte order mark at the very start is skipped. Blank lines are
/// skipped. Each row carries the line it starts on (1-based), so errors can point at the file.
public struct CSVParser: Sendable {
    /// One row: its fields, the line it starts on, and what is wrong with it, if anything.
    public struct Row: Sendable, Hashable {
        public var fields: [String]
        public var line: Int
        /// A quoting or encoding problem; the fields are then only a best effort.
        public var problem: String?

        public init(fields: [String], line: Int, problem: String? = nil) {
            self.fields = fields
            self.line = line
            self.problem = problem
        }
    }

    private enum State: Sendable {
        /// At the start of a field.
        case fieldStart
        case unquoted
        case quoted
        /// Just read a quote inside a quoted field: a second quote is a literal one, anything else ends the quotes.
        case quoteInQuoted
    }

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var problem: String?
    /// The line the current row started on, and the line being read.
    private var rowLine = 1
    private var line = 1
    /// A CR ended the previous row or line: a LF right after it belongs to it.
    private var afterCR = false
    /// How many of the byte order mark's bytes have been matched at the start (3 = done, or none there).
    private var bomMatched = 0
    private var bomPending: [UInt8] = []

    public init() {}

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Reads `bytes`, handing each row completed by them to `emit`.
    public mutating func feed(_ bytes: some Sequence<UInt8>, _ emit: (Row) throws -> Void) rethrows {
        for byte in bytes {
            if bomMatched < 3 {
                if byte == Self.bom[bomMatched] {
                    bomMatched += 1
                    bomPending.append(byte)
                    if bomMatched == 3 { bomPending = [] }
                    continue
                }
                bomMatched = 3
                let pending = bomPending
                bomPending = []
                for earlier in pending { try consume(earlier, emit) }
            }
            try consume(byte, emit)
        }
    }

    /// Ends the input: hands over the last row when the file does not end with a line break.
    public mutating func finish(_ emit: (Row) throws -> Void) rethrows {
        if !bomPending.isEmpty {
            let pending = bomPending
            bomPending = []
            bomMatched = 3
            for byte in pending { try consume(byte, emit) }
        }
        if state == .quoted {
            problem = problem ?? "a quoted field is not closed: the file ends inside quotes opened on line \(rowLine)"
        }
        if state != .fieldStart || !fields.isEmpty || !field.isEmpty {
            try endRow(emit)
        }
    }

    private mutating func consume(_ byte: UInt8, _ emit: (Row) throws -> Void) rethrows {
        let wasAfterCR = afterCR
        afterCR = false
        switch state {
        case .fieldStart:
            switch byte {
            case UInt8(ascii: "\""): state = .quoted
            case UInt8(ascii: ","): endField()
            case 0x0A:
                if wasAfterCR { return }  // the LF of a CRLF whose CR ended the row
                line += 1
                try endRow(emit)
            case 0x0D:
                line += 1
                afterCR = true
                try endRow(emit)
            default:
                field.append(byte)
                state = .unquoted
            }
        case .unquoted:
            switch byte {
            case UInt8(ascii: ","): endField()
            case 0x0A:
                line += 1
                try endRow(emit)
            case 0x0D:
                line += 1
                afterCR = true
                try endRow(emit)
            case UInt8(ascii: "\""):
                problem = problem ?? "a quote inside an unquoted field: put the whole field in quotes and double the quote"
                field.append(byte)
            default: field.append(byte)
            }
        case .quoted:
            switch byte {
            case UInt8(ascii: "\""): state = .quoteInQuoted
            case 0x0A:
                if !wasAfterCR { line += 1 }
                field.append(byte)
            case 0x0D:
                line += 1
                afterCR = true
                field.append(byte)
            default: field.append(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case UInt8(ascii: "\""):
                field.append(byte)
                state = .quoted
            case UInt8(ascii: ","): endField()
            case 0x0A:
                line += 1
                try endRow(emit)
            case 0x0D:
                line += 1
                afterCR = true
                try endRow(emit)
            default:
                problem = problem ?? "text after a closing quote: double a quote inside a quoted field (\"\")"
                field.append(byte)
                state = .unquoted
            }
        }
    }

    private mutating func endField() {
        if let text = String(validating: field, as: UTF8.self) {
            fields.append(text)
        } else {
            problem = problem ?? "field \(fields.count + 1) is not valid UTF-8 (save the file as UTF-8)"
            fields.append(String(decoding: field, as: UTF8.self))
        }
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    private mutating func endRow(_ emit: (Row) throws -> Void) rethrows {
        endField()
        let row = Row(fields: fields, line: rowLine, problem: problem)
        fields.removeAll(keepingCapacity: true)
        problem = nil
        rowLine = line
        // A blank line is one empty, unquoted field: not a row.
        if row.fields == [""], row.problem == nil { return }
        try emit(row)
    }
}
