import Foundation
import NudgeCore

/// How a `CurlRequest` ended: the answer (or why there was none) and what the transfer cost.
public struct CurlResponse: Sendable, Hashable {
    /// The answer, or the transport error; see `TransferResult`.
    public var result: TransferResult
    /// Seconds from the start of the transfer (after any wait for a connection) to its end.
    public var totalTime: TimeInterval
    /// Connections this transfer had to open: 0 when it reused one that an earlier transfer left open.
    public var newConnections: Int

    public init(result: TransferResult, totalTime: TimeInterval = 0, newConnections: Int = 0) {
        self.result = result
        self.totalTime = totalTime
        self.newConnections = newConnections
    }
}
