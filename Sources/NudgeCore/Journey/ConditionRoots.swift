/// The values conditions see by name: `customer`, `event` when one is at hand, and values given by name (a
/// variable of `exists`/`all`; `now` when it is not the evaluation time).
///
/// A customer's or an event's fields are looked up one by one as a condition names them (`customer.plan`), rather
/// than gathered into a map of every field for each evaluation: stage rules and triggers run several conditions on
/// every event and read a few fields each.
struct ConditionRoots {
    let customer: Customer?
    let event: Event?
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

    /// `customer.<field>` or `event.<field>`, found without building the whole root; nil when that root is not at
    /// hand or a value given by name hides it (then the root's value is looked up as usual).
    func value(of field: RootField) -> Value?? {
        if !named.isEmpty, named[field.root] != nil { return nil }
        switch field {
        case .customer(let field):
            guard let customer else { return nil }
            guard let field else { return .some(nil) }
            return customer.conditionField(field)
        case .event(let field):
            guard let event else { return nil }
            return event.conditionField(field)
        }
    }
}
