import Foundation

/// What to do with a due step of one enrollment.
public enum StepDecision: Equatable, Sendable {
    /// Render and send it now.
    case send
    /// Not now; decide again at `until`.
    case `defer`(until: Date, reason: SuppressionReason)
    /// Skip it for good, logging `reason`.
    case suppress(SuppressionReason)
}
