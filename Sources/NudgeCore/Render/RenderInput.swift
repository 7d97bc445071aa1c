import Foundation

/// Everything a step's message is rendered from (SPEC §7).
public struct RenderInput: Sendable {
    public var customer: Customer
    /// The trigger event, as `{{event.*}}`; nil when the campaign is not triggered by an event.
    public var event: Event?
    /// `{{campaign.id}}`, `{{campaign.name}}`, `{{campaign.kind}}`.
    public var campaign: Campaign
    /// The step being sent; its channel chooses the template.
    public var step: Step
    /// The step's template, or its variant's.
    public var templateName: String
    /// `{{#recommendations}}{{sku}} {{name}} {{money(price)}} {{url}} {{image_url}}{{/recommendations}}`.
    public var recommendations: [Product]
    /// `{{offer.code}}`, `{{offer.expires_at}}`.
    public var offer: RenderedOffer?
    /// `{{unsubscribe_url}}`, also copied into the message for the `List-Unsubscribe` header.
    public var unsubscribeURL: String?
    /// The customer's zone, in which dates and times are written.
    public var zone: TimeZone
    /// The customer's locale (`vi-VN`), for money and dates.
    public var locale: String
    public var now: Date

    public init(
        customer: Customer, event: Event? = nil, campaign: Campaign, step: Step, templateName: String? = nil,
        recommendations: [Product] = [], offer: RenderedOffer? = nil, unsubscribeURL: String? = nil,
        zone: TimeZone, locale: String, now: Date
    ) {
        self.customer = customer
        self.event = event
        self.campaign = campaign
        self.step = step
        self.templateName = templateName ?? step.template
        self.recommendations = recommendations
        self.offer = offer
        self.unsubscribeURL = unsubscribeURL
        self.zone = zone
        self.locale = locale
        self.now = now
    }
}

/// A step's offer as issued to one customer.
public struct RenderedOffer: Sendable, Hashable {
    public var code: String
    public var expiresAt: Date

    public init(code: String, expiresAt: Date) {
        self.code = code
        self.expiresAt = expiresAt
    }
}

/// Why a message could not be rendered.
public enum RenderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No template of this name for the channel.
    case missingTemplate(String, Channel)
    /// A part the channel needs (`subject`, `title`, `text`) rendered to nothing.
    case emptyPart(template: String, channel: Channel, part: String)

    public var description: String {
        switch self {
        case .missingTemplate(let name, let channel):
            return "no \(channel.rawValue) template '\(name)' (expected \(name).\(channel.rawValue).mustache)"
        case .emptyPart(let name, let channel, let part):
            return "the \(part) of \(channel.rawValue) template '\(name)' rendered empty"
        }
    }
}
