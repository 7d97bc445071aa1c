/// The files marketers edit, read from disk by the shell and handed to the loader.
public struct CampaignFiles: Sendable {
    public var stages: SourceFile?
    public var campaigns: [SourceFile]
    public var templates: [SourceFile]
    public var partials: [SourceFile]
    /// Known SKUs, when a product catalog is at hand.
    public var catalog: Set<String>?
    /// Problems met while reading (missing folders, unreadable files), already as diagnostics.
    public var readProblems: [Diagnostic]
    /// False when the templates folder could not be read: template references are then not checked
    /// (the read problem already says why).
    public var templatesReadable: Bool

    public init(
        stages: SourceFile?, campaigns: [SourceFile], templates: [SourceFile], partials: [SourceFile],
        catalog: Set<String>? = nil, readProblems: [Diagnostic] = [], templatesReadable: Bool = true
    ) {
        self.templatesReadable = templatesReadable
        self.stages = stages
        self.campaigns = campaigns
        self.templates = templates
        self.partials = partials
        self.catalog = catalog
        self.readProblems = readProblems
    }
}

/// A complete, consistent set of stages, campaigns and templates: what the daemon runs.
/// Loaded whole; one error anywhere rejects the whole set.
public struct CampaignSet: Sendable {
    public var stages: StageRules
    public var campaigns: [Campaign]
    public var templates: TemplateSet

    public func campaign(_ id: String) -> Campaign? {
        campaigns.first { $0.id == id }
    }
}

public enum CampaignSetLoader {
    /// Loads and cross-checks everything; the set is nil when any error was found.
    public static func load(_ files: CampaignFiles, config: Config) -> (CampaignSet?, Diagnostics) {
        var diagnostics = Diagnostics()
        for problem in files.readProblems { diagnostics.append(problem) }

        var stages = StageRules.empty
        var stageNames: Set<String>? = []
        if let file = files.stages {
            let (rules, found) = StagesLoader.load(file)
            diagnostics.append(contentsOf: found)
            if let rules { stages = rules }
            stageNames = rules.map { Set($0.names) }
        }

        let (templates, templateDiagnostics) = TemplateLoader.load(files: files.templates, partials: files.partials)
        diagnostics.append(contentsOf: templateDiagnostics)
        HTTPBodyTemplateCheck.check(config: config, templates: templates, &diagnostics)

        let context = CampaignContext(
            stages: stageNames, channels: Set(config.channels.keys), templates: files.templatesReadable ? templates : nil, catalog: files.catalog)
        var campaigns: [Campaign] = []
        var ids: [String: String] = [:]
        for file in files.campaigns.sorted(by: { $0.path < $1.path }) {
            let (campaign, found) = CampaignLoader.load(file, context: context)
            diagnostics.append(contentsOf: found)
            guard let campaign else { continue }
            if let other = ids[campaign.id] {
                diagnostics.error(file.wholeFile, "campaign '\(campaign.id)' is also defined in \(other)")
                continue
            }
            ids[campaign.id] = file.path
            campaigns.append(campaign)
        }
        if files.stages == nil, !files.campaigns.isEmpty {
            diagnostics.warning(
                SourcePosition(file: "stages.yml", line: 0, column: 0),
                "no stages.yml beside the campaigns: customers have no journey stage")
        }
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        return (CampaignSet(stages: stages, campaigns: campaigns, templates: templates), diagnostics)
    }
}
