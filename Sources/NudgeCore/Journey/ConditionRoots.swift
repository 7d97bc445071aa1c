/// The values conditions see by name: `customer`, and `event` when one is at hand (`now` is the evaluation time).
enum ConditionRoots {
    static func of(customer: Customer, event: Event? = nil) -> [String: Value] {
        var roots = ["customer": customer.conditionValue]
        if let event { roots["event"] = event.conditionValue }
        return roots
    }
}
