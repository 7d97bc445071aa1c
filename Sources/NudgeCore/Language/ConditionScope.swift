/// Which names a condition may use where it is written: stage rules see `customer` and `now`;
/// triggers, audiences, exits and goals also see `event`.
public struct ConditionScope: Sendable {
    public var roots: [String: ValueType]

    public init(roots: [String: ValueType]) {
        self.roots = roots
    }

    /// `stages.yml` rules: evaluated on events and as time passes, so there is no event.
    public static let stage = ConditionScope(roots: ["customer": .object(.customer), "now": .time])

    /// Campaign triggers, audiences, exits and goals: the customer and the event at hand.
    public static let campaign = ConditionScope(
        roots: ["customer": .object(.customer), "event": .object(.event), "now": .time])

    func adding(_ name: String, _ type: ValueType) -> ConditionScope {
        var copy = self
        copy.roots[name] = type
        return copy
    }
}
