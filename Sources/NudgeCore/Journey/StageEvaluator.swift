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
    public static func evaluate(_ customer: Customer, rules: StageRules, now: Date) -> (stage: String?, nextCheck: Date?) {
        let roots = ConditionRoots.of(customer: customer)
        let stage = rules.rules.first { $0.condition.holds(in: roots, now: now) }?.name
        return (stage, rules.rules.flatMap { $0.condition.changeTimes(in: roots, now: now) }.min())
    }

    /// The next moment after `now` at which the customer's stage may change by time alone (`since(…)` and `now`
    /// thresholds of any rule); nil when only new data can change it.
    public static func nextCheck(of customer: Customer, rules: StageRules, now: Date) -> Date? {
        evaluate(customer, rules: rules, now: now).nextCheck
    }
}
