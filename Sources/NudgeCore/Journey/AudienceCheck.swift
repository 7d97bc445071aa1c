import Foundation

extension Audience {
    /// Whether the customer is in the audience: in one of `stages` (any stage when empty; a customer without a stage is
    /// in none) and every condition holding with `customer` and, when given, `event` as roots.
    ///
    /// Checked at enrollment and again before each step (SPEC §6).
    public func admits(_ customer: Customer, event: Event?, now: Date) -> Bool {
        if !stages.isEmpty {
            guard let stage = customer.stage, stages.contains(stage) else { return false }
        }
        return conditions.holds(in: ConditionRoots.of(customer: customer, event: event), now: now)
    }
}
