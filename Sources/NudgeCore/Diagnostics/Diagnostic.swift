/// A position in a user's file: 1-based line and column (columns count Unicode scalars, as libyaml does).
public struct SourcePosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// How bad a diagnostic is: errors make a file set unusable, warnings do not.
public enum Severity: String, Sendable, Hashable, Codable {
    case error
    case warning
}

/// One problem found in the user's files, reported compiler style:
/// `campaigns/phone-accessories.yml:12:7: error: unknown key 'triger' (did you mean 'trigger'?)`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var severity: Severity
    /// The file and position; a diagnostic about a whole file has line 0 and column 0,
    /// and is printed as `file: error: …`.
    public var location: SourcePosition
    public var message: String

    public init(_ severity: Severity, at location: SourcePosition, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    public var description: String {
        "\(locationText): \(severity.rawValue): \(message)"
    }

    /// `file:line:col`, or just `file` when the problem concerns the file as a whole.
    public var locationText: String {
        location.line > 0 ? location.description : location.file
    }
}

/// Collects diagnostics while files are loaded, so every problem in every file is reported in one run.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func error(_ location: SourcePosition, _ message: String) {
        all.append(Diagnostic(.error, at: location, message))
    }

    public mutating func warning(_ location: SourcePosition, _ message: String) {
        all.append(Diagnostic(.warning, at: location, message))
    }

    public mutating func append(contentsOf other: Diagnostics) {
        all.append(contentsOf: other.all)
    }

    public mutating func append(_ diagnostic: Diagnostic) {
        all.append(diagnostic)
    }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errorCount: Int { all.count { $0.severity == .error } }
    public var warningCount: Int { all.count { $0.severity == .warning } }

    /// Diagnostics in file order (by file, line, column), keeping discovery order for ties; duplicates dropped.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = all.filter { seen.insert($0).inserted }
        return unique.enumerated()
            .sorted { a, b in
                a.element.location == b.element.location ? a.offset < b.offset : a.element.location < b.element.location
            }
            .map(\.element)
    }
}
