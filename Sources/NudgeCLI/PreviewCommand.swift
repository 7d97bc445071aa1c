import ArgumentParser
import Foundation
import NudgeCore
import NudgeStore

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Print exactly what a campaign step would send.",
        discussion: """
            Renders the step with the live files and, with --customer, that customer's data, their latest
            enrollment in the campaign and the catalog from the database (read only; the daemon may run).
            --sample uses a made-up Vietnamese customer and trigger event instead. The message as the transport
            would send it goes to standard output (the whole MIME document for email, the text for SMS, the JSON
            body for an http channel or push); facts about it (recipient, SMS encoding and parts, whether the
            step would be sent now) go to standard error. Exit status 1 when the step cannot be rendered.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The campaign id.")
    var campaign: String

    @Option(help: "The step id.")
    var step: String

    @Option(help: "Preview for this customer, from the database.")
    var customer: String?

    @Flag(help: "Preview with a made-up customer and trigger event.")
    var sample = false

    @Option(help: "Render this A/B variant (default: the customer's own).")
    var variant: String?

    func validate() throws {
        if (customer == nil) == !sample {
            throw ValidationError("give either --customer ID or --sample")
        }
    }

    func run() throws {
        let output = StandardOutput()
        let now = Date()
        let rendering = try StepRendering(
            command: "preview", configPath: global.config, campaign: campaign, step: step, variant: variant)
        if rendering.placeholderLinks {
            output.writeError("note: unsubscribe links are placeholders until the daemon has started once\n")
        }
        let rendered: Result<OutboxMessage, JourneyEngine.Unsendable>
        var facts: [String] = []
        if let customerID = customer {
            (rendered, facts) = try renderForCustomer(customerID, rendering, now: now)
        } else {
            rendered = try rendering.renderSample(for: PreviewSample.customer(now: now), variant: variant, now: now)
            facts.append("sample customer and trigger event")
        }

        switch rendered {
        case .failure(let unsendable):
            for fact in facts { output.writeError("# \(fact)\n") }
            throw rendering.failure("the step would not be sent: \(unsendable)")
        case .success(let message):
            let preview = MessagePreview(
                message, settings: rendering.config.channels[message.channel], templates: rendering.set.templates,
                now: now)
            let title = "\(message.campaign)/\(message.step)" + (message.variant.map { "[\($0)]" } ?? "")
            output.writeError("# \(title) · \(message.channel.rawValue) · key \(message.key)\n")
            for fact in preview.facts + facts { output.writeError("# \(fact)\n") }
            if preview.payload.isEmpty { throw rendering.failure("the message cannot be sent as it is") }
            output.write(preview.payload + (preview.payload.hasSuffix("\n") ? "" : "\n"))
        }
    }

    /// The step for a stored customer, with their latest enrollment in the campaign when they have one.
    private func renderForCustomer(_ customerID: String, _ rendering: StepRendering, now: Date) throws -> (
        Result<OutboxMessage, JourneyEngine.Unsendable>, [String]
    ) {
        let database: SQLiteReader
        do {
            database = try SQLiteReader(path: rendering.databasePath)
        } catch let error as SQLiteError {
            throw rendering.failure("cannot read the database: \(error.message)")
        }
        return try database.read { tx in
            guard let customer = try tx.customer(customerID) else {
                throw rendering.failure("no customer '\(customerID)' in \(rendering.databasePath)")
            }
            var facts: [String] = []
            var enrollment: Enrollment
            if let latest = try tx.latestEnrollment(campaign: rendering.campaign.id, customerID: customerID) {
                enrollment = latest
                facts.append("enrollment: #\(latest.id), \(latest.arm.rawValue), \(latest.state.rawValue)")
            } else {
                enrollment = rendering.enrollment(customerID: customerID, event: nil, variant: nil, now: now)
                facts.append("enrollment: none; rendered without a trigger event")
            }
            if let variant { enrollment.variant = variant }
            let decision = StepDecider.decide(
                campaign: rendering.campaign, step: rendering.step, enrollment: enrollment, customer: customer,
                policy: rendering.engine.policy, now: now)
            facts.append("decision now: " + Self.describe(decision))
            let rendered = try rendering.engine.compose(
                step: rendering.step, campaign: rendering.campaign, enrollment: enrollment, customer: customer, tx: tx,
                now: now)
            return (rendered, facts)
        }
    }

    static func describe(_ decision: StepDecision) -> String {
        switch decision {
        case .send: "send"
        case .defer(let until, let reason): "deferred until \(LogTime.format(until)) (\(reason.rawValue))"
        case .suppress(let reason): "suppressed (\(reason.rawValue))"
        }
    }
}
