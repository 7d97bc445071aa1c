import Foundation

extension JourneyEngine {
    /// Renders a step for one customer into an outbox message, or says why it cannot be sent. Only the catalog and
    /// the co-purchase statistics are read (recommendations); the SKUs offered are kept with the message.
    /// Store errors are thrown, never mistaken for "no relevant offer".
    public func compose(
        step: Step, campaign: Campaign, enrollment: Enrollment, customer: Customer, tx: any StoreReader,
        now: Date
    ) throws -> Result<OutboxMessage, Unsendable> {
        var recommendations: [Product] = []
        if let rule = step.recommend {
            let candidates = try RecommendationSource.candidates(
                for: rule, customer: customer, trigger: enrollment.triggerEvent, in: tx)
            let fallback = try tx.products(skus: rule.fallback)
            var triggerTotal: Double?
            if case .number(let total) = enrollment.triggerEvent?.properties["total"] { triggerTotal = total }
            recommendations = RecommendationPicker.pick(
                rule, candidates: candidates, fallback: fallback, customer: customer, triggerTotal: triggerTotal
            ).map(\.product)
            if recommendations.isEmpty, rule.require { return .failure(Unsendable(reason: .noRelevantOffer)) }
        }
        let template = step.variants.first { $0.id == enrollment.variant }?.template ?? step.template
        let isMarketing = campaign.kind != .notice
        let unsubscribeURL = isMarketing ? unsubscribeLinks?.url(customerID: customer.id, channel: step.channel) : nil
        let input = RenderInput(
            customer: customer, event: enrollment.triggerEvent, campaign: campaign, step: step, templateName: template,
            recommendations: recommendations,
            offer: step.offer.map { RenderedOffer(code: $0.code, expiresAt: now + $0.validFor) },
            unsubscribeURL: unsubscribeURL, zone: customer.zone(default: policy.defaultZone),
            locale: customer.locale ?? defaultLocale, now: now)
        let content: MessageContent
        switch MessageRenderer.render(input, templates: campaigns.templates) {
        case .success(let rendered): content = rendered
        case .failure(let error): return .failure(Unsendable(reason: .missingTemplate, detail: error.description))
        }
        let key = OutboxMessage.key(
            campaign: campaign.id, step: step.id, customerID: customer.id, enrollment: enrollment.id)
        return .success(
            OutboxMessage(
                key: key, campaign: campaign.id, step: step.id, variant: enrollment.variant, customerID: customer.id,
                channel: step.channel, recipient: Self.recipient(of: customer, on: step.channel), content: content,
                nextAttemptAt: now, createdAt: now, isMarketing: isMarketing))
    }

    /// Why a step that was due to be sent cannot be: a reason for the log, and details when there are any.
    public struct Unsendable: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: SuppressionReason
        public var detail: String?

        public var description: String { detail.map { "\(reason.rawValue): \($0)" } ?? reason.rawValue }
    }

    static func recipient(of customer: Customer, on channel: Channel) -> Recipient {
        var name: String?
        if case .string(let text) = customer.attributes["name"] { name = text }
        switch channel {
        case .email: return Recipient(addresses: [customer.email ?? ""], name: name)
        case .sms: return Recipient(addresses: [customer.phone ?? ""])
        case .push: return Recipient(addresses: customer.pushTokens)
        }
    }
}
