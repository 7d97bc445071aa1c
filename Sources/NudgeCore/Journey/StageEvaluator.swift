import Foundation

/// Computes a customer's journey stage from the rules of `stages.yml` (SPEC §5).
public enum StageEvaluator {
    /// The name of the first rule whose condition holds for the customer at `now`, top to bottom; nil when none does.
    ///
    /// Stage rules see only `customer` (and `now`): there is no event, since stages also change as time passes.
    public static func stage(of customer: Customer, rules: StageRules, now: Date) -> String? {
        let roots = ConditionRoots.of(customer: customer)
        return rules.rules.first { $0.condition.holds(in: roots, now: now) }?.name
    }

    /// The next moment after `now` at which the customer's stage may change by time alone (`since(…)` and `now`
    /// thresholds of any rule); nil when only new data can change it.
    public static func nextCheck(of customer: Customer, rules: StageRules, now: Date) -> Date? {
        let roots = ConditionRoots.of(customer: customer)
        return rules.rules.flatMap { $0.condition.changeTimes(in: roots, now: now) }.min()
    }
}
