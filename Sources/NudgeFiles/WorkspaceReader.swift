import Foundation
import NudgeCore

/// Reads the configuration and the campaign files from disk for the core's loaders.
public struct WorkspaceReader: Sendable {
    public var environment: [String: String]
    public var workingDirectory: String

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// Where `${…}` in `nudge.yml` are looked up: this process's environment and files.
    public var configEnvironment: ConfigEnvironment {
        let variables = environment
        return ConfigEnvironment(
            variable: { variables[$0] },
            readFile: { path in try? String(contentsOfFile: path, encoding: .utf8) })
    }

    /// The configuration file to use: `--config`, else `$NUDGE_CONFIG`, else `./nudge.yml` when present,
    /// else none (the embedded defaults).
    public func configPath(explicit: String?) -> String? {
        if let explicit { return explicit }
        if let fromEnvironment = environment["NUDGE_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        let local = resolve("nudge.yml")
        return FileManager.default.fileExists(atPath: local) ? "nudge.yml" : nil
    }

    public enum ConfigOutcome {
        case loaded(Config, Diagnostics)
        case failed(Diagnostics)
    }

    /// Loads the configuration chosen by `configPath(explicit:)`.
    public func loadConfig(explicit: String?) -> ConfigOutcome {
        guard let path = configPath(explicit: explicit) else {
            return .loaded(Config.defaults, Diagnostics())
        }
        guard let text = read(path) else {
            var diagnostics = Diagnostics()
            diagnostics.error(
                SourcePosition(file: path, line: 0, column: 0), "cannot read the configuration: \(readError(path))")
            return .failed(diagnostics)
        }
        let (config, diagnostics) = ConfigLoader.load(SourceFile(path: path, text: text), environment: configEnvironment)
        guard let config else { return .failed(diagnostics) }
        return .loaded(config, diagnostics)
    }

    /// The data directory of the configuration chosen by `configPath(explicit:)`, for commands that only read
    /// the database; nil when the file cannot be read or its `data_dir` is invalid. Other problems in the file
    /// (a secret not set in this shell) do not matter here.
    public func dataDirectory(explicit: String?) -> String? {
        guard let path = configPath(explicit: explicit) else { return Config.defaults.dataDirectory }
        guard let text = read(path) else { return nil }
        return ConfigLoader.dataDirectory(SourceFile(path: path, text: text), environment: configEnvironment)
    }

    /// Reads the stages, campaigns and templates. `paths` (campaign files or folders) replace the configured
    /// campaigns folder when given; `stages.yml` is taken from the first folder that has one, else from the
    /// configured campaigns folder.
    public func campaignFiles(config: Config, paths: [String] = []) -> CampaignFiles {
        var problems: [Diagnostic] = []
        var campaigns: [SourceFile] = []
        var stages: SourceFile?
        let sources = paths.isEmpty ? [config.campaignsDirectory] : paths

        for path in sources {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolve(path), isDirectory: &isDirectory) else {
                problems.append(Diagnostic(.error, at: whole(path), "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                for name in list(path).filter({ $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }) {
                    let file = join(path, name)
                    guard let source = sourceFile(file, &problems) else { continue }
                    if name == "stages.yml" || name == "stages.yaml" {
                        if stages == nil { stages = source }
                    } else {
                        campaigns.append(source)
                    }
                }
            } else if let source = sourceFile(path, &problems) {
                if source.stem == "stages" { stages = source } else { campaigns.append(source) }
            }
        }
        if stages == nil, !paths.isEmpty {
            for name in ["stages.yml", "stages.yaml"] {
                let file = join(config.campaignsDirectory, name)
                if FileManager.default.fileExists(atPath: resolve(file)) {
                    stages = sourceFile(file, &problems)
                    break
                }
            }
        }

        var templates: [SourceFile] = []
        var partials: [SourceFile] = []
        let templatesDirectory = config.templatesDirectory
        let templatesReadable = isDirectory(templatesDirectory)
        if templatesReadable {
            for name in list(templatesDirectory) where name.hasSuffix(".mustache") {
                if let source = sourceFile(join(templatesDirectory, name), &problems) { templates.append(source) }
            }
            let partialsDirectory = join(templatesDirectory, "partials")
            if isDirectory(partialsDirectory) {
                for name in list(partialsDirectory) where name.hasSuffix(".mustache") {
                    if let source = sourceFile(join(partialsDirectory, name), &problems) { partials.append(source) }
                }
            }
        } else if !campaigns.isEmpty {
            problems.append(Diagnostic(.error, at: whole(templatesDirectory), "the templates folder does not exist"))
        }
        return CampaignFiles(
            stages: stages, campaigns: campaigns, templates: templates, partials: partials, readProblems: problems,
            templatesReadable: templatesReadable)
    }

    // MARK: Files

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : workingDirectory + "/" + path
    }

    /// `campaigns/x.yml`, not `./campaigns/x.yml`: paths read the way the user would type them.
    private func join(_ directory: String, _ name: String) -> String {
        if directory == "." { return name }
        let base = directory.hasPrefix("./") ? String(directory.dropFirst(2)) : directory
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }

    private func whole(_ path: String) -> SourcePosition { SourcePosition(file: path, line: 0, column: 0) }

    private func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: resolve(path), isDirectory: &flag) && flag.boolValue
    }

    private func list(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: resolve(directory))) ?? [])
            .filter { !$0.hasPrefix(".") }
            .sorted()
    }

    private func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: resolve(path)) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    private func readError(_ path: String) -> String {
        if !FileManager.default.fileExists(atPath: resolve(path)) { return "no such file" }
        if FileManager.default.contents(atPath: resolve(path)) == nil { return "permission denied" }
        return "the file is not valid UTF-8"
    }

    private func sourceFile(_ path: String, _ problems: inout [Diagnostic]) -> SourceFile? {
        guard let text = read(path) else {
            problems.append(Diagnostic(.error, at: whole(path), "cannot read: \(readError(path))"))
            return nil
        }
        return SourceFile(path: path, text: text)
    }
}
