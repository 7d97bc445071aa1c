import Foundation

/// Where a command writes, injected so that tests can capture it.
public protocol CommandOutput: AnyObject {
    func write(_ text: String)
    func writeError(_ text: String)
    /// Whether standard output is a terminal that wants colour.
    var isColourTerminal: Bool { get }
}

/// The process's standard output and error.
public final class StandardOutput: CommandOutput {
    public init() {}

    public func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    public func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    public var isColourTerminal: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}

/// Collects everything a command writes (tests).
public final class CapturedOutput: CommandOutput {
    public private(set) var standard = ""
    public private(set) var error = ""
    public var isColourTerminal = false

    public init() {}

    public func write(_ text: String) { standard += text }
    public func writeError(_ text: String) { error += text }
}
