import Foundation
import NudgeCore

/// The file formats `nudge import` reads.
enum ImportFormat: String, CaseIterable {
    case csv, ndjson, json

    /// The format a file name announces: `.csv`, `.ndjson`/`.jsonl`, `.json`.
    static func of(path: String) -> ImportFormat? {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": .csv
        case "ndjson", "jsonl": .ndjson
        case "json": .json
        default: nil
        }
    }
}

/// One record of an import file, as the JSON object the API would receive, or why it cannot be read.
struct ImportRecord {
    /// The line it starts on (CSV, NDJSON) or its 1-based position in a JSON array.
    var location: Int
    var object: Result<[String: Value], [RecordError]>
}

/// Why a file cannot be imported at all (unreadable, no header, not JSON).
struct ImportFileError: Error, CustomStringConvertible {
    var description: String
}

/// Records read one at a time from a file.
protocol ImportSource {
    /// `line` or `record`: how `ImportRecord.location` is named in messages.
    var locationName: String { get }
    /// Bytes consumed so far (for progress).
    var bytesRead: Int { get }
    mutating func next() throws -> ImportRecord?
}

/// Opens the reader for `format`.
func openImportSource(path: String, format: ImportFormat, kind: ImportKind) throws -> any ImportSource {
    switch format {
    case .csv: try CSVImportSource(chunks: FileChunks(path: path), kind: kind)
    case .ndjson: NDJSONImportSource(chunks: try FileChunks(path: path))
    case .json: try JSONImportSource(path: path)
    }
}

/// A file read in fixed-size chunks, never whole.
final class FileChunks {
    static let chunkSize = 64 * 1024
    private let handle: FileHandle
    private(set) var bytesRead = 0

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportFileError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        self.handle = handle
    }

    /// The next chunk, or nil at the end of the file.
    func next() throws -> Data? {
        guard let data = try handle.read(upToCount: Self.chunkSize), !data.isEmpty else { return nil }
        bytesRead += data.count
        return data
    }

    deinit { try? handle.close() }
}

/// CSV with a header row; each row mapped by `ImportMapping`.
struct CSVImportSource: ImportSource {
    let chunks: FileChunks
    private var parser = CSVParser()
    private var pending: [CSVParser.Row] = []
    private var position = 0
    private var finished = false
    private var header: [String] = []

    var locationName: String { "line" }
    var bytesRead: Int { chunks.bytesRead }

    init(chunks: FileChunks, kind: ImportKind) throws {
        self.chunks = chunks
        guard let first = try nextRow() else { throw ImportFileError(description: "the file is empty: no header row") }
        if let problem = first.problem { throw ImportFileError(description: "line \(first.line): \(problem)") }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let problems = ImportMapping.headerProblems(header, kind: kind)
        if !problems.isEmpty {
            throw ImportFileError(description: "line \(first.line): " + problems.joined(separator: "; "))
        }
    }

    mutating func next() throws -> ImportRecord? {
        guard let row = try nextRow() else { return nil }
        if let problem = row.problem {
            return ImportRecord(location: row.line, object: .failure([RecordError(index: 0, field: "", error: problem)]))
        }
        return ImportRecord(location: row.line, object: ImportMapping.object(header: header, row: row.fields))
    }

    private mutating func nextRow() throws -> CSVParser.Row? {
        while position == pending.count {
            pending.removeAll(keepingCapacity: true)
            position = 0
            if finished { return nil }
            var rows: [CSVParser.Row] = []
            if let chunk = try chunks.next() {
                parser.feed(chunk) { rows.append($0) }
            } else {
                finished = true
                parser.finish { rows.append($0) }
            }
            pending = rows
        }
        defer { position += 1 }
        return pending[position]
    }
}

/// One JSON object per line; blank lines skipped.
struct NDJSONImportSource: ImportSource {
    let chunks: FileChunks
    private var buffer: [UInt8] = []
    private var start = 0
    private var line = 0
    private var finished = false

    var locationName: String { "line" }
    var bytesRead: Int { chunks.bytesRead }

    init(chunks: FileChunks) {
        self.chunks = chunks
    }

    mutating func next() throws -> ImportRecord? {
        while let range = try nextLine() {
            line += 1
            let record: ImportRecord? = buffer.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[range])
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
                switch JSONText.parse(bytes) {
                case .success(let value): return ImportRecord(location: line, object: ImportRecords.object(value))
                case .failure(let error):
                    return ImportRecord(
                        location: line,
                        object: .failure([
                            RecordError(index: 0, field: "", error: "not valid JSON at column \(error.column): \(error.message)")
                        ]))
                }
            }
            if let record { return record }
        }
        return nil
    }

    /// The byte range of the next line in `buffer` (without its LF), reading more of the file as needed.
    private mutating func nextLine() throws -> Range<Int>? {
        var searchFrom = start
        while true {
            if let end = buffer[searchFrom...].firstIndex(of: 0x0A) {
                defer { start = end + 1 }
                return start..<end
            }
            if finished {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return start..<buffer.count
            }
            // Keep only the unfinished line, then append the next chunk.
            buffer.removeSubrange(0..<start)
            start = 0
            searchFrom = buffer.count
            if let chunk = try chunks.next() { buffer.append(contentsOf: chunk) } else { finished = true }
        }
    }
}

/// A JSON array of objects (or one object), read whole: for small files; NDJSON streams.
struct JSONImportSource: ImportSource {
    private var items: [Value]
    private var position = 0
    let bytesRead: Int

    var locationName: String { "record" }

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportFileError(description: "cannot read \(path)")
        }
        bytesRead = data.count
        switch JSONText.parse(data) {
        case .failure(let error):
            throw ImportFileError(description: "line \(error.line), column \(error.column): not valid JSON: \(error.message)")
        case .success(.list(let list)): items = list
        case .success(.map(let object)): items = [.map(object)]
        case .success:
            throw ImportFileError(description: "expected an array of objects (or one object)")
        }
    }

    mutating func next() throws -> ImportRecord? {
        guard position < items.count else { return nil }
        defer { position += 1 }
        return ImportRecord(location: position + 1, object: ImportRecords.object(items[position]))
    }
}
