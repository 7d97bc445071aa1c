import Foundation

/// The variables a message is rendered with (SPEC §7), matching what `nudge check` expects a step to provide:
/// `customer`, `campaign`, `unsubscribe_url`, and when the step has them `event`, `recommendations`, `offer`.
enum TemplateContext {
    static func variables(for input: RenderInput) -> [String: Value] {
        var fields: [String: Value] = [
            "customer": input.customer.conditionValue,
            "campaign": .map([
                "id": .string(input.campaign.id), "name": .string(input.campaign.name),
                "kind": .string(input.campaign.kind.rawValue),
            ]),
            "recommendations": .list(input.recommendations.map(product)),
        ]
        if let event = input.event { fields["event"] = event.conditionValue }
        if let url = input.unsubscribeURL { fields["unsubscribe_url"] = .string(url) }
        if let offer = input.offer {
            var offerFields: [String: Value] = ["code": .string(offer.code), "expires_at": .time(offer.expiresAt)]
            if let validFor = input.step.offer?.validFor { offerFields["valid_for"] = .duration(validFor) }
            fields["offer"] = .map(offerFields)
        }
        return fields
    }

    /// The root object handed to Mustache.
    static func root(for input: RenderInput) -> TemplateValue {
        let conventions = LocaleConventions(input.locale)
        var currency = conventions.defaultCurrency
        if case .string(let code)? = input.event?.properties["currency"], code.count == 3 {
            currency = code.uppercased()
        }
        let formats = TemplateFormats(conventions: conventions, zone: input.zone, currency: currency)
        return TemplateValue(value: .map(variables(for: input)), formats: formats)
    }

    static func product(_ product: Product) -> Value {
        var fields: [String: Value] = [
            "sku": .string(product.sku), "name": .string(product.name), "price": .number(product.price),
            "currency": .string(product.currency),
        ]
        if let url = product.url { fields["url"] = .string(url) }
        if let image = product.imageURL { fields["image_url"] = .string(image) }
        if let category = product.category { fields["category"] = .string(category) }
        return .map(fields)
    }
}
