import ArgumentParser
import Foundation
import NudgeCore
import NudgeFiles

/// The live files as the daemon loads them — configuration, stages, campaigns and templates — and the journey
/// engine over them, for the commands that decide or render what the daemon would (`preview`, `send-test`,
/// `simulate`).
struct LoadedWorkspace {
    let command: String
    let config: Config
    let set: CampaignSet
    let engine: JourneyEngine
    /// Whether unsubscribe links are placeholders (the daemon has not generated its secret yet).
    let placeholderLinks: Bool

    /// Loads the files; explains every mistake on standard error and throws the exit status (78 for the
    /// configuration, 1 for the campaign files).
    init(command: String, configPath: String?) throws {
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
        let secret = PreviewSecrets.unsubscribe(config)
        placeholderLinks = secret == nil
        engine = JourneyEngine(
            campaigns: set, policy: JourneyPolicy(config: config), defaultLocale: config.locale,
            unsubscribeLinks: UnsubscribeLinks(
                settings: config.unsubscribe, listen: config.listen,
                secret: secret ?? "unsubscribe-secret-not-generated-yet"))
    }

    var databasePath: String { (config.dataDirectory as NSString).appendingPathComponent("nudge.sqlite") }

    /// Says `message` on standard error and returns the exit status to throw.
    func failure(_ message: String) -> Error { Self.failure(command, message) }

    static func failure(_ command: String, _ message: String) -> Error {
        StandardOutput().writeError("nudge \(command): \(message)\n")
        return ExitCode(1)
    }
}
