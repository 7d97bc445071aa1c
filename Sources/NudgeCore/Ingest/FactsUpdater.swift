import Foundation

/// Folds one stored event into a customer's derived facts (SPEC §3, "facts derived").
///
/// Not idempotent: call it once per newly stored event (duplicates by `id` must be filtered out before).
/// Events may arrive out of order: first/last purchase and signup times compare event timestamps. Facts that are a
/// single current value (`plan`, `trial_ends_at`, `usage.<metric>`) take the latest-arriving event, since the facts
/// keep no per-fact timestamp to compare with; a backfill of old `plan_usage` events should be sent oldest first.
public enum FactsUpdater {
    /// Updates `facts` with what `event` says. Unknown types and malformed properties change nothing.
    public static func apply(_ event: Event, to facts: inout CustomerFacts) {
        let properties = event.properties
        switch event.type {
        case "purchase":
            applyPurchase(event, to: &facts)
        case "signup":
            facts.signupAt = min(facts.signupAt ?? event.timestamp, event.timestamp)
        case "trial_started":
            if let endsAt = time(properties["ends_at"]) { facts.trialEndsAt = endsAt }
        case "plan_changed":
            if case .string(let plan)? = properties["plan"] { facts.plan = plan }
        case "plan_usage":
            if case .string(let metric)? = properties["metric"], case .number(let used)? = properties["used"],
                case .number(let limit)? = properties["limit"]
            {
                facts.usage[metric] = CustomerFacts.Usage(used: used, limit: limit)
            }
        case "unsubscribe":
            if let channel = channel(properties["channel"]) {
                facts.unsubscribed.insert(channel)
            } else {
                facts.unsubscribedFromAll = true
            }
        case "complaint":
            facts.complaints += 1
            if let channel = channel(properties["channel"]) { facts.unsubscribed.insert(channel) }
        default:
            break
        }
    }

    private static func applyPurchase(_ event: Event, to facts: inout CustomerFacts) {
        var items: [[String: Value]] = []
        if case .list(let list)? = event.properties["items"] {
            for case .map(let item) in list { items.append(item) }
        }
        facts.purchaseCount += 1
        if case .number(let total)? = event.properties["total"] {
            facts.totalSpent += total
        } else {
            facts.totalSpent += items.reduce(0) { sum, item in
                guard case .number(let price)? = item["price"] else { return sum }
                if case .number(let quantity)? = item["quantity"] { return sum + price * quantity }
                return sum + price
            }
        }
        facts.firstPurchaseAt = min(facts.firstPurchaseAt ?? event.timestamp, event.timestamp)
        facts.lastPurchaseAt = max(facts.lastPurchaseAt ?? event.timestamp, event.timestamp)
        for item in items {
            if case .string(let sku)? = item["sku"], !facts.ownedSKUs.contains(sku) { facts.ownedSKUs.append(sku) }
            if case .string(let category)? = item["category"], !facts.ownedCategories.contains(category) {
                facts.ownedCategories.append(category)
            }
        }
    }

    private static func time(_ value: Value?) -> Date? {
        switch value {
        case .time(let date)?: return date
        case .string(let text)?: return RFC3339.parse(text)
        default: return nil
        }
    }

    private static func channel(_ value: Value?) -> Channel? {
        guard case .string(let name)? = value else { return nil }
        return Channel(rawValue: name)
    }
}
