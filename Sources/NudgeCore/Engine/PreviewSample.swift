import Foundation

/// Made-up data for `nudge preview --sample`: a Vietnamese customer with every address, and a trigger event of
/// the campaign's kind, so that a template can be seen before any real customer exists.
public enum PreviewSample {
    public static let customerID = "sample-customer"

    /// The sample customer at `now`.
    public static func customer(now: Date) -> Customer {
        var facts = CustomerFacts()
        facts.purchaseCount = 1
        facts.totalSpent = 9_990_000
        facts.firstPurchaseAt = now - 22 * 86_400
        facts.lastPurchaseAt = now - 22 * 86_400
        facts.plan = "co-ban"
        facts.usage["orders"] = CustomerFacts.Usage(used: 85, limit: 100)
        return Customer(
            id: customerID, email: "lan.nguyen@example.vn", phone: "+84901234567", pushTokens: ["sample-push-token"],
            timezone: "Asia/Ho_Chi_Minh", locale: "vi-VN",
            attributes: ["name": .string("Lan"), "full_name": .string("Nguyễn Thị Lan"), "country": .string("VN")],
            createdAt: now - 90 * 86_400, facts: facts, stage: "active", stageEnteredAt: now - 22 * 86_400)
    }

    /// A trigger event for `campaign` at `at`: a phone purchase, plan usage at 85 %, or an event of the trigger's
    /// type without properties; nil for triggers that carry no event.
    public static func triggerEvent(for campaign: Campaign, at: Date) -> Event? {
        guard case .event(let type, _) = campaign.trigger else { return nil }
        let properties: [String: Value]
        switch type {
        case "purchase":
            properties = [
                "order_id": .string("SAMPLE-1"), "currency": .string("VND"), "total": .number(9_990_000),
                "items": .list([
                    .map([
                        "sku": .string("PHONE-01"), "name": .string("Điện thoại mẫu"), "category": .string("phone"),
                        "price": .number(9_990_000), "quantity": .number(1),
                    ])
                ]),
            ]
        case "plan_usage":
            properties = ["metric": .string("orders"), "used": .number(85), "limit": .number(100)]
        case "plan_changed":
            properties = ["plan": .string("co-ban")]
        default:
            properties = [:]
        }
        return Event(id: "sample-event", type: type, customerID: customerID, timestamp: at, properties: properties)
    }
}
