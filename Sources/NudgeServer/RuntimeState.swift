import Foundation
import NudgeCore

/// What the daemon runs right now: the live campaign set (swapped whole on reload) and the outcome of the last
/// reload, shared by the API, the scheduler and the reloader.
public final class RuntimeState: @unchecked Sendable {
    /// The result of loading the workspace files.
    public struct LoadReport: Sendable {
        public var at: Date
        /// Every diagnostic, as `file:line:col: severity: message`.
        public var diagnostics: [String]
        public var succeeded: Bool

        public init(at: Date, diagnostics: [String], succeeded: Bool) {
            self.at = at
            self.diagnostics = diagnostics
            self.succeeded = succeeded
        }
    }

    private let lock = NSLock()
    private var current: JourneyEngine
    private var report: LoadReport
    private var stopping = false

    public init(engine: JourneyEngine, report: LoadReport) {
        current = engine
        self.report = report
    }

    public var engine: JourneyEngine {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    public var lastLoad: LoadReport {
        lock.lock()
        defer { lock.unlock() }
        return report
    }

    /// Replaces the live set with a newly loaded one.
    public func install(_ engine: JourneyEngine, report: LoadReport) {
        lock.lock()
        current = engine
        self.report = report
        lock.unlock()
    }

    /// Records a reload that failed; the live set stays as it was.
    public func reject(_ report: LoadReport) {
        lock.lock()
        self.report = report
        lock.unlock()
    }

    /// True once shutdown has begun: the API answers 503 to new work.
    public var isStopping: Bool {
        get {
            lock.lock()
            defer { lock.unlock() }
            return stopping
        }
        set {
            lock.lock()
            stopping = newValue
            lock.unlock()
        }
    }
}
