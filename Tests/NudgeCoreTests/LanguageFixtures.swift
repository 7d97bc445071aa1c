import Foundation
import Testing

@testable import NudgeCore

/// Shared environments for the condition-language tests. Everything is relative to a fixed `now`,
/// so no test depends on the wall clock.
enum LanguageFixtures {
    /// 2026-11-22T03:00:00Z
    static let now = Date(timeIntervalSince1970: 1_795_316_400)

    static func daysAgo(_ days: Double) -> Value { .time(now.addingTimeInterval(-days * 86_400)) }
    static func hoursAgo(_ hours: Double) -> Value { .time(now.addingTimeInterval(-hours * 3600)) }
    static func daysAhead(_ days: Double) -> Value { .time(now.addingTimeInterval(days * 86_400)) }

    static func usage(used: Double, limit: Double) -> Value {
        .map(["used": .number(used), "limit": .number(limit), "ratio": .number(used / limit)])
    }

    /// A returning customer in Hà Nội: three purchases, the last one 100 days ago, a nearly full seat plan.
    static func customer(
        purchaseCount: Double = 3,
        lastPurchase: Value = daysAgo(100),
        attributes: [String: Value]? = nil,
        ownedSkus: [String] = ["PHONE-1", "CASE-9"]
    ) -> Value {
        .map([
            "id": .string("c-42"),
            "email": .string("lan@example.vn"),
            "phone": .string("+84901234567"),
            "timezone": .string("Asia/Ho_Chi_Minh"),
            "locale": .string("vi-VN"),
            "push_tokens": .list([.string("tok-1")]),
            "consent": .map(["email": .bool(true), "sms": .bool(false), "push": .bool(true)]),
            "attributes": .map(
                attributes ?? [
                    "country": .string("VN"),
                    "city": .string("Hà Nội"),
                    "vip": .bool(true),
                    "tier": .string("gold"),
                    "tags": .list([.string("early"), .string("b2b")]),
                    "score": .number(7.5),
                    "nickname": .null,
                    "favourite": .string("Điện thoại"),
                    "children": .number(0),
                ]),
            "purchase_count": .number(purchaseCount),
            "total_spent": .number(4_500_000),
            "first_purchase_at": daysAgo(400),
            "last_purchase_at": lastPurchase,
            "signup_at": daysAgo(500),
            "trial_ends_at": daysAhead(5),
            "created_at": daysAgo(500),
            "plan": .string("pro"),
            "usage": .map([
                "seats": usage(used: 46, limit: 50),
                "storage": usage(used: 40, limit: 100),
                "max_ratio": .number(0.92),
            ]),
            "owned_skus": .list(ownedSkus.map(Value.string)),
            "complaints": .number(0),
            "stage": .string("active"),
            "stage_entered_at": daysAgo(30),
        ])
    }

    /// A brand-new sign-up: no purchases, no usage, no attributes.
    static let newcomer: Value = .map([
        "id": .string("c-7"),
        "purchase_count": .number(0),
        "total_spent": .number(0),
        "signup_at": hoursAgo(2),
        "attributes": .map([:]),
        "owned_skus": .list([]),
        "usage": .map([:]),
        "stage": .string("new"),
    ])

    /// A purchase of a phone and two cases, an hour ago.
    static let purchase: Value = .map([
        "id": .string("e-1"),
        "type": .string("purchase"),
        "customer_id": .string("c-42"),
        "timestamp": hoursAgo(1),
        "order_id": .string("o-7"),
        "items": .list([
            .map([
                "sku": .string("PHONE-2"), "category": .string("phone"), "name": .string("Điện thoại X"),
                "price": .number(12_000_000), "quantity": .number(1),
            ]),
            .map([
                "sku": .string("CASE-1"), "category": .string("accessory"), "name": .string("Ốp lưng"),
                "price": .number(150_000), "quantity": .number(2), "cost": .number(40_000),
            ]),
        ]),
        "total": .number(12_300_000),
        "currency": .string("VND"),
        "coupon": .string("TET"),
    ])

    /// A plan_usage event with no items at all.
    static let planUsage: Value = .map([
        "type": .string("plan_usage"),
        "customer_id": .string("c-42"),
        "timestamp": hoursAgo(0.5),
        "metric": .string("seats"),
        "used": .number(46),
        "limit": .number(50),
    ])

    /// The same names with values of the wrong kinds everywhere: evaluation must still not fail.
    static let mistyped: [String: Value] = [
        "customer": .map([
            "purchase_count": .string("three"),
            "last_purchase_at": .number(12),
            "attributes": .list([.number(1)]),
            "usage": .null,
            "owned_skus": .string("PHONE-1"),
            "consent": .bool(true),
        ]),
        "event": .map(["items": .map(["category": .string("phone")]), "total": .string("many")]),
    ]

    enum Environment: String, Sendable, CaseIterable {
        /// `customer` and a purchase `event`.
        case full
        /// A new customer and a plan_usage event.
        case newcomer
        /// No roots at all: every path is missing.
        case empty
        /// Roots with wrongly typed values.
        case mistyped

        var roots: [String: Value] {
            switch self {
            case .full: ["customer": customer(), "event": purchase]
            case .newcomer: ["customer": LanguageFixtures.newcomer, "event": planUsage]
            case .empty: [:]
            case .mistyped: LanguageFixtures.mistyped
            }
        }
    }

    /// Compiles `source`, recording an issue (with the compiler's message) when it does not compile.
    static func compiled(
        _ source: String, scope: ConditionScope, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Condition? {
        switch Condition.compile(source, scope: scope) {
        case .success(let condition):
            return condition
        case .failure(let error):
            Issue.record("\(source) did not compile: \(error.message) at \(error.start)..<\(error.end)",
                sourceLocation: sourceLocation)
            return nil
        }
    }
}
