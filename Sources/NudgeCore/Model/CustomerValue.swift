import Foundation

extension Customer {
    /// `customer.*` in conditions and templates: the profile, the derived facts and the stage (SPEC §3).
    public var conditionValue: Value {
        // Room for every field at once: built for each condition evaluated, so it must not grow as it fills.
        var fields = [String: Value](minimumCapacity: 24)
        fields["id"] = .string(id)
        fields["push_tokens"] = .list(pushTokens.map(Value.string))
        fields["attributes"] = .map(attributes)
        var consentFields = [String: Value](minimumCapacity: consent.count)
        for (channel, given) in consent { consentFields[channel.rawValue] = .bool(given) }
        fields["consent"] = .map(consentFields)
        fields["created_at"] = .time(createdAt)
        fields["updated_at"] = .time(updatedAt)
        fields["purchase_count"] = .number(Double(facts.purchaseCount))
        fields["total_spent"] = .number(facts.totalSpent)
        fields["owned_skus"] = .list(facts.ownedSKUs.map(Value.string))
        fields["complaints"] = .number(Double(facts.complaints))
        func set(_ key: String, _ value: String?) { if let value { fields[key] = .string(value) } }
        func set(_ key: String, _ value: Date?) { if let value { fields[key] = .time(value) } }
        set("email", email)
        set("phone", phone)
        set("timezone", timezone)
        set("locale", locale)
        set("plan", facts.plan)
        set("stage", stage)
        set("first_purchase_at", facts.firstPurchaseAt)
        set("last_purchase_at", facts.lastPurchaseAt)
        set("signup_at", facts.signupAt)
        set("trial_ends_at", facts.trialEndsAt)
        set("stage_entered_at", stageEnteredAt)

        fields["usage"] = usageValue
        return .map(fields)
    }

    /// One field of `customer.*`, as `conditionValue[name]` has it (nil where that has none), without building the
    /// others: conditions name a few fields of a customer, and are evaluated many times per event.
    func conditionField(_ name: String) -> Value? {
        CustomerField(rawValue: name).flatMap(conditionField)
    }

    func conditionField(_ field: CustomerField) -> Value? {
        switch field {
        case .id: .string(id)
        case .email: email.map(Value.string)
        case .phone: phone.map(Value.string)
        case .timezone: timezone.map(Value.string)
        case .locale: locale.map(Value.string)
        case .pushTokens: .list(pushTokens.map(Value.string))
        case .attributes: .map(attributes)
        case .consent: .map(Dictionary(uniqueKeysWithValues: consent.map { ($0.key.rawValue, Value.bool($0.value)) }))
        case .createdAt: .time(createdAt)
        case .updatedAt: .time(updatedAt)
        case .purchaseCount: .number(Double(facts.purchaseCount))
        case .totalSpent: .number(facts.totalSpent)
        case .ownedSKUs: .list(facts.ownedSKUs.map(Value.string))
        case .complaints: .number(Double(facts.complaints))
        case .plan: facts.plan.map(Value.string)
        case .stage: stage.map(Value.string)
        case .firstPurchaseAt: facts.firstPurchaseAt.map(Value.time)
        case .lastPurchaseAt: facts.lastPurchaseAt.map(Value.time)
        case .signupAt: facts.signupAt.map(Value.time)
        case .trialEndsAt: facts.trialEndsAt.map(Value.time)
        case .stageEnteredAt: stageEnteredAt.map(Value.time)
        case .usage: usageValue
        }
    }

    /// `customer.usage`: each metric's figures and ratio, and the highest ratio as `max_ratio`.
    private var usageValue: Value {
        var usage = [String: Value](minimumCapacity: facts.usage.count + 1)
        var maxRatio: Double?
        for (metric, figures) in facts.usage {
            var metricFields: [String: Value] = ["used": .number(figures.used), "limit": .number(figures.limit)]
            if let ratio = figures.ratio {
                metricFields["ratio"] = .number(ratio)
                maxRatio = max(maxRatio ?? ratio, ratio)
            }
            usage[metric] = .map(metricFields)
        }
        if let maxRatio { usage["max_ratio"] = .number(maxRatio) }
        return .map(usage)
    }
}
