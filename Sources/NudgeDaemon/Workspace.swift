import Foundation
import NudgeCore
import NudgeFiles

/// Reads the configuration and the campaign files into something the daemon can run, all or nothing.
struct Workspace {
    let reader: WorkspaceReader
    let configPath: String?

    struct Loaded {
        var config: Config
        var campaigns: CampaignSet
        /// Warnings only (a load with errors is a failure).
        var diagnostics: [Diagnostic]
    }

    enum Failure: Error {
        /// The configuration itself is invalid (exit 78 at startup).
        case config([Diagnostic])
        case campaigns([Diagnostic])

        var diagnostics: [Diagnostic] {
            switch self {
            case .config(let list), .campaigns(let list): list
            }
        }
    }

    func load() -> Result<Loaded, Failure> {
        switch reader.loadConfig(explicit: configPath) {
        case .failed(let diagnostics):
            return .failure(.config(diagnostics.sorted))
        case .loaded(let config, let configDiagnostics):
            let files = reader.campaignFiles(config: config)
            let (set, diagnostics) = CampaignSetLoader.load(files, config: config)
            var all = configDiagnostics
            all.append(contentsOf: diagnostics)
            guard let set else { return .failure(.campaigns(all.sorted)) }
            return .success(Loaded(config: config, campaigns: set, diagnostics: all.sorted))
        }
    }
}

extension JourneyEngine {
    /// The engine for a loaded set; `unsubscribeSecret` signs its unsubscribe links.
    init(_ loaded: Workspace.Loaded, unsubscribeSecret: String) {
        self.init(
            campaigns: loaded.campaigns, policy: JourneyPolicy(config: loaded.config),
            defaultLocale: loaded.config.locale,
            unsubscribeLinks: UnsubscribeLinks(
                settings: loaded.config.unsubscribe, listen: loaded.config.listen, secret: unsubscribeSecret))
    }
}
