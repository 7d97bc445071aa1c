import ArgumentParser
import Foundation
import NudgeCore
import NudgeFiles
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
            body for push); facts about it (recipient, SMS encoding and parts, whether the step would be sent
            now) go to standard error. Exit status 1 when the step cannot be rendered.
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
        let reader = WorkspaceReader()
        let config: Config
        switch reader.loadConfig(explicit: global.config) {
        case .failed(let diagnostics):
            for diagnostic in diagnostics.sorted { output.writeError("\(diagnostic)\n") }
            throw ExitCode(78)
        case .loaded(let loaded, _):
            config = loaded
        }
        let (loadedSet, diagnostics) = CampaignSetLoader.load(reader.campaignFiles(config: config), config: config)
        guard let set = loadedSet else {
            for diagnostic in diagnostics.sorted { output.writeError("\(diagnostic)\n") }
            throw failure("the campaign files have errors: run `nudge check`")
        }
        guard let campaign = set.campaigns.first(where: { $0.id == self.campaign }) else {
            throw failure(
                "no campaign '\(self.campaign)'; loaded: \(set.campaigns.map(\.id).sorted().joined(separator: ", "))")
        }
        guard let step = campaign.steps.first(where: { $0.id == self.step }) else {
            throw failure(
                "campaign '\(campaign.id)' has no step '\(self.step)'; its steps: \(campaign.steps.map(\.id).joined(separator: ", "))")
        }
        if let variant, !step.variants.contains(where: { $0.id == variant }) {
            let known = step.variants.map(\.id)
            throw failure(
                known.isEmpty
                    ? "step '\(step.id)' has no variants"
                    : "step '\(step.id)' has no variant '\(variant)'; its variants: \(known.joined(separator: ", "))")
        }

        let links = UnsubscribeLinks(
            settings: config.unsubscribe, listen: config.listen,
            secret: PreviewSecrets.unsubscribe(config) ?? "unsubscribe-secret-not-generated-yet")
        if PreviewSecrets.unsubscribe(config) == nil {
            output.writeError("note: unsubscribe links are placeholders until the daemon has started once\n")
        }
        let engine = JourneyEngine(
            campaigns: set, policy: JourneyPolicy(config: config), defaultLocale: config.locale,
            unsubscribeLinks: links)
        let databasePath = (config.dataDirectory as NSString).appendingPathComponent("nudge.sqlite")

        let rendered: Result<OutboxMessage, JourneyEngine.Unsendable>
        var facts: [String] = []
        if let customerID = customer {
            let database: SQLiteReader
            do {
                database = try SQLiteReader(path: databasePath)
            } catch let error as SQLiteError {
                throw failure("cannot read the database: \(error.message)")
            }
            rendered = try database.read { tx in
                guard let customer = try tx.customer(customerID) else {
                    throw failure("no customer '\(customerID)' in \(databasePath)")
                }
                var enrollment: Enrollment
                if let latest = try tx.latestEnrollment(campaign: campaign.id, customerID: customerID) {
                    enrollment = latest
                    facts.append("enrollment: #\(latest.id), \(latest.arm.rawValue), \(latest.state.rawValue)")
                } else {
                    enrollment = Self.enrollment(campaign, step, customerID: customerID, event: nil, now: now)
                    facts.append("enrollment: none; rendered without a trigger event")
                }
                if let variant { enrollment.variant = variant }
                facts.append("decision now: " + Self.describe(
                    StepDecider.decide(
                        campaign: campaign, step: step, enrollment: enrollment, customer: customer,
                        policy: engine.policy, now: now)))
                return try engine.compose(
                    step: step, campaign: campaign, enrollment: enrollment, customer: customer, tx: tx, now: now)
            }
        } else {
            let customer = PreviewSample.customer(now: now)
            var enrollment = Self.enrollment(
                campaign, step, customerID: customer.id,
                event: PreviewSample.triggerEvent(for: campaign, at: now - step.after), now: now)
            if let variant { enrollment.variant = variant }
            facts.append("sample customer and trigger event")
            rendered = try PreviewCatalog.withCatalog(at: databasePath, sampleFor: step.recommend) { catalog in
                try engine.compose(
                    step: step, campaign: campaign, enrollment: enrollment, customer: customer, tx: catalog, now: now)
            }
        }

        switch rendered {
        case .failure(let unsendable):
            for fact in facts { output.writeError(fact + "\n") }
            throw failure("the step would not be sent: \(unsendable)")
        case .success(let message):
            let preview = MessagePreview(
                message, settings: config.channels[step.channel], templates: set.templates, now: now)
            let title = "\(campaign.id)/\(step.id)" + (message.variant.map { "[\($0)]" } ?? "")
            output.writeError("# \(title) · \(step.channel.rawValue) · key \(message.key)\n")
            for fact in preview.facts + facts { output.writeError("# \(fact)\n") }
            if preview.payload.isEmpty { throw failure("the message cannot be sent as it is") }
            output.write(preview.payload + (preview.payload.hasSuffix("\n") ? "" : "\n"))
        }
    }

    /// An enrollment as the scheduler would make it now, with the customer's own variant.
    static func enrollment(_ campaign: Campaign, _ step: Step, customerID: String, event: Event?, now: Date)
        -> Enrollment
    {
        Enrollment(
            id: 1, campaign: campaign.id, customerID: customerID, arm: .treatment,
            variant: Assignment.variant(campaign: campaign.id, customerID: customerID, variants: step.variants),
            enrolledAt: now - step.after, triggeredAt: now - step.after, triggerEvent: event, nextStep: step.id,
            nextDueAt: now)
    }

    static func describe(_ decision: StepDecision) -> String {
        switch decision {
        case .send: "send"
        case .defer(let until, let reason): "deferred until \(LogTime.format(until)) (\(reason.rawValue))"
        case .suppress(let reason): "suppressed (\(reason.rawValue))"
        }
    }

    private func failure(_ message: String) -> Error {
        StandardOutput().writeError("nudge preview: \(message)\n")
        return ExitCode(1)
    }
}
