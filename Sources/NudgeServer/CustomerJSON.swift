import Foundation
import NudgeCore

/// The API's JSON for customers, their journey and products.
enum CustomerJSON {
    static func profile(_ customer: Customer) -> Value {
        var fields: [String: Value] = [
            "id": .string(customer.id),
            "email": customer.email.map(Value.string) ?? .null,
            "phone": customer.phone.map(Value.string) ?? .null,
            "push_tokens": .list(customer.pushTokens.map(Value.string)),
            "timezone": customer.timezone.map(Value.string) ?? .null,
            "locale": customer.locale.map(Value.string) ?? .null,
            "attributes": .map(customer.attributes),
            "consent": .map(Dictionary(uniqueKeysWithValues: customer.consent.map { ($0.key.rawValue, .bool($0.value)) })),
            "created_at": .time(customer.createdAt),
            "updated_at": .time(customer.updatedAt),
            "stage": customer.stage.map(Value.string) ?? .null,
            "stage_entered_at": customer.stageEnteredAt.map(Value.time) ?? .null,
        ]
        var facts = customer.conditionValue
        if case .map(var derived) = facts {
            for key in fields.keys { derived[key] = nil }
            derived["owned_categories"] = .list(customer.facts.ownedCategories.map(Value.string))
            derived["unsubscribed"] = .list(
                customer.facts.unsubscribedFromAll
                    ? [.string("all")] : customer.facts.unsubscribed.sorted().map { .string($0.rawValue) })
            facts = .map(derived)
        }
        fields["facts"] = facts
        return .map(fields)
    }

    static func detail(
        _ customer: Customer, history: [StageChange], enrollments: [Enrollment], dispatches: [DispatchLogEntry]
    ) -> Value {
        guard case .map(var fields) = profile(customer) else { return .null }
        fields["stage_history"] = .list(
            history.map { .map(["from": $0.from.map(Value.string) ?? .null, "to": .string($0.to), "at": .time($0.at)]) })
        fields["enrollments"] = .list(enrollments.map(enrollment))
        fields["dispatches"] = .list(dispatches.map(DispatchJSON.entry))
        return .map(fields)
    }

    static func enrollment(_ e: Enrollment) -> Value {
        .map([
            "id": .number(Double(e.id)), "campaign": .string(e.campaign), "arm": .string(e.arm.rawValue),
            "variant": e.variant.map(Value.string) ?? .null, "state": .string(e.state.rawValue),
            "enrolled_at": .time(e.enrolledAt), "triggered_at": .time(e.triggeredAt),
            "next_step": e.nextStep.map(Value.string) ?? .null, "next_due_at": e.nextDueAt.map(Value.time) ?? .null,
            "end_reason": e.endReason.map(Value.string) ?? .null,
        ])
    }

    static func product(_ p: Product) -> Value {
        .map([
            "sku": .string(p.sku), "name": .string(p.name), "category": p.category.map(Value.string) ?? .null,
            "price": .number(p.price), "cost": p.cost.map(Value.number) ?? .null, "currency": .string(p.currency),
            "url": p.url.map(Value.string) ?? .null, "image_url": p.imageURL.map(Value.string) ?? .null,
            "active": .bool(p.active),
        ])
    }
}
