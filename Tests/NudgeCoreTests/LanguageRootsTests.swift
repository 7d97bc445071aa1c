import Foundation
import NudgeTesting
import Testing

@testable import NudgeCore

/// Conditions read a customer's and an event's fields one by one; they must see exactly what the whole
/// `customer.*` and `event.*` values (which templates and previews show) hold.
@Suite("Condition language: fields read one by one")
struct LanguageRootsTests {
    static let now = LanguageFixtures.now

    static func customer(_ random: inout SplitMix64) -> Customer {
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { random.chance(60) ? value() : nil }
        func time(_ random: inout SplitMix64) -> Date {
            now.addingTimeInterval(Double(random.below(800) - 400) * 86_400)
        }
        var customer = Customer(
            id: "c\(random.below(1000))", email: maybe("khach@example.vn"), phone: maybe("+84901234567"),
            pushTokens: random.chance(50) ? [] : ["token-\(random.below(9))"], timezone: maybe("Asia/Ho_Chi_Minh"),
            locale: maybe("vi"), createdAt: time(&random), updatedAt: time(&random))
        var attributes: [String: Value] = [:]
        if random.chance(60) { attributes["city"] = .string(random.pick(["Hà Nội", "Đà Nẵng", "Huế"])) }
        if random.chance(50) { attributes["vip"] = .bool(random.chance(50)) }
        if random.chance(50) { attributes["score"] = .number(Double(random.below(100))) }
        if random.chance(40) { attributes["tags"] = .list([.string("Hà Nội"), .string("phone")]) }
        customer.attributes = attributes
        if random.chance(50) { customer.consent[.email] = random.chance(50) }
        if random.chance(30) { customer.consent[.sms] = random.chance(50) }
        customer.facts.purchaseCount = random.below(4)
        customer.facts.totalSpent = Double(random.below(5)) * 250_000
        customer.facts.ownedSKUs = (0..<random.below(3)).map { "CASE-\($0 + 8)" }
        customer.facts.complaints = random.below(2)
        customer.facts.plan = maybe(random.pick(["co-ban", "nang-cao"]))
        customer.facts.firstPurchaseAt = maybe(time(&random))
        customer.facts.lastPurchaseAt = maybe(time(&random))
        customer.facts.signupAt = maybe(time(&random))
        customer.facts.trialEndsAt = maybe(time(&random))
        for metric in ["seats", "orders"] where random.chance(50) {
            customer.facts.usage[metric] = CustomerFacts.Usage(
                used: Double(random.below(12)), limit: Double(random.below(12)))
        }
        customer.stage = maybe(random.pick(["new_customer", "active", "lapsed"]))
        customer.stageEnteredAt = maybe(time(&random))
        return customer
    }

    static func event(_ random: inout SplitMix64) -> Event {
        var properties: [String: Value] = [:]
        if random.chance(70) {
            properties["items"] = .list(
                (0..<random.below(3)).map { index in
                    var item: [String: Value] = [
                        "sku": .string("CASE-\(index + 8)"), "category": .string(random.pick(["phone", "case"])),
                        "name": .string("Điện thoại \(index)"), "price": .number(Double(random.below(4)) * 100_000),
                        "quantity": .number(1),
                    ]
                    if random.chance(50) { item["cost"] = .number(50_000) }
                    return .map(item)
                })
        }
        if random.chance(60) { properties["total"] = .number(Double(random.below(6)) * 100_000) }
        if random.chance(30) { properties["coupon"] = .string("GIAM20") }
        // Properties named like the envelope: the envelope wins, except an `id` the event does not have.
        if random.chance(20) { properties["type"] = .string("shadowed") }
        if random.chance(20) { properties["id"] = .string("from-properties") }
        if random.chance(20) { properties["timestamp"] = .string("yesterday") }
        return Event(
            id: random.chance(70) ? "e\(random.below(1000))" : nil, type: random.pick(["purchase", "page_view"]),
            customerID: "c1", timestamp: now.addingTimeInterval(-Double(random.below(100)) * 3600),
            properties: properties)
    }

    @Test func theCustomerFieldsAreTheSchemasFields() {
        #expect(Set(CustomerField.allCases.map(\.rawValue)) == Set(Schema.customer.fields.keys))
        var random = SplitMix64(seed: 0xF1E1D5)
        for _ in 0..<50 {
            guard case .map(let fields) = Self.customer(&random).conditionValue else {
                Issue.record("customer.* is not a map")
                return
            }
            #expect(Set(fields.keys).isSubset(of: Set(CustomerField.allCases.map(\.rawValue))))
        }
    }

    @Test func eachFieldIsTheOneInTheWholeValue() {
        var random = SplitMix64(seed: 0xF1E1D)
        let customerNames = Array(Schema.customer.fields.keys) + ["max_ratio", "missing", "facts", ""]
        let eventNames = Array(Schema.event.fields.keys) + ["coupon", "missing", ""]
        for _ in 0..<500 {
            let customer = Self.customer(&random)
            let event = Self.event(&random)
            for name in customerNames {
                #expect(customer.conditionField(name) ?? .null == customer.conditionValue[name], "customer.\(name)")
            }
            for name in eventNames {
                #expect(event.conditionField(name) ?? .null == event.conditionValue[name], "event.\(name)")
            }
        }
    }

    @Test("generated conditions give the same value and change times either way")
    func generatedConditionsAgree() {
        var generator = ConditionGenerator(random: SplitMix64(seed: 0x600D_F1E1D))
        var random = SplitMix64(seed: 0xC0FFEE)
        let seeds =
            ConditionGenerator.seeds + [
                "customer == customer and event.items == event.items", "has(event.type) and event.id == event[\"id\"]",
                "customer.usage.max_ratio >= 0.9 or customer.usage.seats.ratio > 0.5",
            ]
        var compared = 0
        var held = 0
        for index in 0..<4_000 {
            let text = index < seeds.count ? seeds[index] : generator.make(index % 2 == 0 ? .grammar : .mutations)
            guard case .success(let condition) = Condition.compile(text, scope: .campaign) else { continue }
            for _ in 0..<3 {
                let customer = Self.customer(&random)
                let event = Self.event(&random)
                let byField = ConditionRoots.of(customer: customer, event: event)
                let whole: [String: Value] = ["customer": customer.conditionValue, "event": event.conditionValue]
                let value = Evaluator(roots: byField, now: Self.now).value(of: condition.expression)
                #expect(value == condition.value(in: whole, now: Self.now), "\(text)")
                #expect(condition.holds(in: byField, now: Self.now) == value.isTrue, "\(text)")
                #expect(
                    condition.changeTimes(in: byField, now: Self.now) == condition.changeTimes(in: whole, now: Self.now)
                )
                compared += 1
                if value.isTrue { held += 1 }
            }
        }
        // The comparison is only worth something if many conditions compiled, and went both ways.
        #expect(compared > 3_000)
        #expect(held > compared / 10 && held < compared * 9 / 10, "\(held) of \(compared) held")
    }
}
