/// The values conditions see by name: `customer`, `event` when one is at hand, and values given by name (a
/// variable of `exists`/`all`; `now` when it is not the evaluation time).
///
/// A customer's or an event's fields are looked up one by one as a condition names them (`customer.plan`), rather
/// than gathered into a map of every field for each evaluation: stage rules and triggers run several conditions on
/// every event and read a few fields each.
struct ConditionRoots {
    var customer: Customer?
    var event: Event?
    /// Values given by name, seen before `customer` and `event`.
    var named: [String: Value]

    init(_ named: [String: Value] = [:], customer: Customer? = nil, event: Event? = nil) {
        self.named = named
        self.customer = customer
        self.event = event
    }

    static func of(customer: Customer, event: Event? = nil) -> ConditionRoots {
        ConditionRoots(customer: customer, event: event)
    }

    /// The value called `name`, nil when there is none.
    func value(named name: String) -> Value? {
        if !named.isEmpty, let value = named[name] { return value }
        switch name {
        case "customer": return customer?.conditionValue
        case "event": return event?.conditionValue
        default: return nil
        }
    }

    /// `name.field` when `name` is the customer or the event, found without building the whole root; nil when
    /// `name` is neither (then the root's value is looked up as usual).
    func field(_ field: String, of name: String) -> Value?? {
        if !named.isEmpty, named[name] != nil { return nil }
        switch name {
        case "customer": return customer.map { $0.conditionField(field) }
        case "event": return event.map { $0.conditionField(field) }
        default: return nil
        }
    }
}
