import Foundation

/// Computes a customer's journey stage from the rules of `stages.yml` (SPEC §5).
public enum StageEvaluator {
    /// The name of the first rule whose condition holds for the customer at `now`, top to bottom; nil when none does.
    ///
    /// Stage rules see only `customer` (and `now`): there is no event, since stages also change as time passes.
    public static func stage(of customer: Customer, rules: StageRules, now: Date) -> String? {
        evaluate(customer, rules: rules, now: now).stage
    }

    /// The stage and the next moment it may change by time alone (`nextCheck`), from one view of the customer.
    public static func evaluate(_ customer: Customer, rules: StageRules, now: Date) -> (
        stage: String?, nextCheck: Date?
    ) {
        let evaluator = Evaluator(roots: .of(customer: customer), now: now)
        let stage = rules.rules.first { $0.condition.holds(with: evaluator) }?.name
        var nextCheck: Date?
        for rule in rules.rules {
            if let change = rule.condition.earliestChange(with: evaluator), change < nextCheck ?? .distantFuture {
                nextCheck = change
            }
        }
        return (stage, nextCheck)
    }

    /// The next moment after `now` at which the customer's stage may change by time alone (`since(…)` and `now`
    /// thresholds of any rule); nil when only new data can change it.
    public static func nextCheck(of customer: Customer, rules: StageRules, now: Date) -> Date? {
        evaluate(customer, rules: rules, now: now).nextCheck
    }
}
