/// A field of one of the roots whose fields are read one by one (see `ConditionRoots`).
enum RootField: Sendable, Equatable {
    case customer(CustomerField?)
    case event(EventField)

    /// The field `node` names, when it is `customer.<field>` or `event.<field>`.
    init?(_ node: ExpressionNode) {
        guard case .member(let base, let field) = node, case .name(let root) = base.node else { return nil }
        switch root {
        case "customer": self = .customer(CustomerField(rawValue: field))
        case "event": self = .event(EventField(field))
        default: return nil
        }
    }

    /// The root's name.
    var root: String {
        switch self {
        case .customer: "customer"
        case .event: "event"
        }
    }
}

/// The fields of `customer.*` (see `Customer.conditionValue`).
enum CustomerField: String, Sendable, CaseIterable {
    case id, email, phone, timezone, locale, attributes, consent, plan, stage, usage
    case pushTokens = "push_tokens", createdAt = "created_at", updatedAt = "updated_at"
    case purchaseCount = "purchase_count", totalSpent = "total_spent", ownedSKUs = "owned_skus", complaints
    case firstPurchaseAt = "first_purchase_at", lastPurchaseAt = "last_purchase_at", signupAt = "signup_at"
    case trialEndsAt = "trial_ends_at", stageEnteredAt = "stage_entered_at"
}

/// The fields of `event.*`: the envelope's, or a property.
enum EventField: Sendable, Equatable {
    case type, customerID, timestamp, id
    case property(String)

    init(_ name: String) {
        switch name {
        case "type": self = .type
        case "customer_id": self = .customerID
        case "timestamp": self = .timestamp
        case "id": self = .id
        default: self = .property(name)
        }
    }
}
