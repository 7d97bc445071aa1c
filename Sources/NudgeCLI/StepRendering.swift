import ArgumentParser
import Foundation
import NudgeCore
import NudgeFiles
import NudgeStore

/// What `nudge preview` and `nudge send-test` share: the live files, the step asked for, and rendering it the
/// way the daemon would.
struct StepRendering {
    let command: String
    let config: Config
    let set: CampaignSet
    let campaign: Campaign
    let step: Step
    let engine: JourneyEngine
    /// Whether unsubscribe links are placeholders (the daemon has not generated its secret yet).
    let placeholderLinks: Bool

    /// Loads the files and finds `campaign`'s `step` (and `variant`, when given); explains every mistake on
    /// standard error and throws the exit status (78 for the configuration, 1 otherwise).
    init(command: String, configPath: String?, campaign campaignID: String, step stepID: String, variant: String?)
        throws
    {
        self.command = command
        let reader = WorkspaceReader()
        let output = StandardOutput()
        switch reader.loadConfig(explicit: configPath) {
        case .failed(let diagnostics):
            for diagnostic in diagnostics.sorted { output.writeError("\(diagnostic)\n") }
            throw ExitCode(78)
        case .loaded(let loaded, _):
            config = loaded
        }
        let (loadedSet, diagnostics) = CampaignSetLoader.load(reader.campaignFiles(config: config), config: config)
        guard let set = loadedSet else {
            for diagnostic in diagnostics.sorted { output.writeError("\(diagnostic)\n") }
            throw Self.failure(command, "the campaign files have errors: run `nudge check`")
        }
        self.set = set
        guard let campaign = set.campaigns.first(where: { $0.id == campaignID }) else {
            throw Self.failure(
                command, "no campaign '\(campaignID)'; loaded: \(set.campaigns.map(\.id).sorted().joined(separator: ", "))")
        }
        guard let step = campaign.steps.first(where: { $0.id == stepID }) else {
            throw Self.failure(
                command,
                "campaign '\(campaign.id)' has no step '\(stepID)'; its steps: \(campaign.steps.map(\.id).joined(separator: ", "))")
        }
        if let variant, !step.variants.contains(where: { $0.id == variant }) {
            let known = step.variants.map(\.id)
            throw Self.failure(
                command,
                known.isEmpty
                    ? "step '\(step.id)' has no variants"
                    : "step '\(step.id)' has no variant '\(variant)'; its variants: \(known.joined(separator: ", "))")
        }
        self.campaign = campaign
        self.step = step
        let secret = PreviewSecrets.unsubscribe(config)
        placeholderLinks = secret == nil
        engine = JourneyEngine(
            campaigns: set, policy: JourneyPolicy(config: config), defaultLocale: config.locale,
            unsubscribeLinks: UnsubscribeLinks(
                settings: config.unsubscribe, listen: config.listen,
                secret: secret ?? "unsubscribe-secret-not-generated-yet"))
    }

    var databasePath: String { (config.dataDirectory as NSString).appendingPathComponent("nudge.sqlite") }

    /// An enrollment as the scheduler would make it now, with the customer's own variant unless `variant`.
    func enrollment(customerID: String, event: Event?, variant: String?, now: Date) -> Enrollment {
        Enrollment(
            id: 1, campaign: campaign.id, customerID: customerID, arm: .treatment,
            variant: variant
                ?? Assignment.variant(campaign: campaign.id, customerID: customerID, variants: step.variants),
            enrolledAt: now - step.after, triggeredAt: now - step.after, triggerEvent: event, nextStep: step.id,
            nextDueAt: now)
    }

    /// The step rendered for `customer` with a sample trigger event, recommending from the database's catalog
    /// (or sample products when there is no database yet).
    func renderSample(for customer: Customer, variant: String?, now: Date) throws -> Result<
        OutboxMessage, JourneyEngine.Unsendable
    > {
        let enrollment = enrollment(
            customerID: customer.id, event: PreviewSample.triggerEvent(for: campaign, at: now - step.after),
            variant: variant, now: now)
        return try PreviewCatalog.withCatalog(at: databasePath, sampleFor: step.recommend) { catalog in
            try engine.compose(
                step: step, campaign: campaign, enrollment: enrollment, customer: customer, tx: catalog, now: now)
        }
    }

    /// Says `message` on standard error and returns the exit status to throw.
    func failure(_ message: String) -> Error { Self.failure(command, message) }

    static func failure(_ command: String, _ message: String) -> Error {
        StandardOutput().writeError("nudge \(command): \(message)\n")
        return ExitCode(1)
    }
}
