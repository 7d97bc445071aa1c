import Foundation
import Yams

/// Loads `nudge.yml` over the embedded defaults. Relative paths are taken from the config file's folder.
public enum ConfigLoader {
    static let keys = [
        "data_dir", "campaigns_dir", "templates_dir", "listen", "api_token", "timezone", "locale", "stage_sweep",
        "quiet_hours", "default_consent", "limits", "retry", "unsubscribe", "channels", "max_body", "log_format",
    ]

    /// The configuration from `file`, or the embedded defaults when `file` is nil.
    /// Returns nil config when any error was found (the diagnostics say what).
    public static func load(_ file: SourceFile?, environment: ConfigEnvironment) -> (Config?, Diagnostics) {
        guard let file else { return (Config.defaults, Diagnostics()) }
        let reader = ConfigReader(file, environment: environment)
        let config = reader.config()
        return (reader.diagnostics.hasErrors ? nil : config, reader.diagnostics)
    }

    /// The data directory alone, for commands that only read the database (`nudge tail`): a problem elsewhere in
    /// the file, such as a secret that is not set in the operator's shell, does not stop them. Nil when
    /// `data_dir` itself (or the file as a whole) cannot be read.
    public static func dataDirectory(_ file: SourceFile?, environment: ConfigEnvironment) -> String? {
        guard let file else { return Config.defaults.dataDirectory }
        let reader = ConfigReader(file, environment: environment)
        let config = reader.config()
        return reader.dataDirectoryIsKnown ? config.dataDirectory : nil
    }
}

/// Reads the keys of `nudge.yml`; values go through `${…}` interpolation first.
final class ConfigReader {
    let yaml: YAMLReader
    let environment: ConfigEnvironment
    let baseDirectory: String

    init(_ file: SourceFile, environment: ConfigEnvironment) {
        yaml = YAMLReader(file)
        self.environment = environment
        baseDirectory = PathText.directory(of: file.path)
    }

    var diagnostics: Diagnostics { yaml.diagnostics }
    /// Whether `config()` found the data directory: the file is a mapping and its `data_dir` (if any) is valid.
    private(set) var dataDirectoryIsKnown = false

    func config() -> Config {
        var config = Config.defaults
        config.sourcePath = yaml.file.path
        config.dataDirectory = PathText.resolve(config.dataDirectory, from: baseDirectory)
        config.campaignsDirectory = PathText.resolve(config.campaignsDirectory, from: baseDirectory)
        config.templatesDirectory = PathText.resolve(config.templatesDirectory, from: baseDirectory)
        guard let root = yaml.root(emptyAllowed: true) else {
            dataDirectoryIsKnown = !yaml.diagnostics.hasErrors  // an empty file keeps the defaults
            return config
        }
        if case .scalar = root, root.null != nil {  // an empty document keeps the defaults
            dataDirectoryIsKnown = true
            return config
        }
        guard let map = yaml.mapping(root, "the configuration", keys: ConfigLoader.keys) else { return config }

        if let n = map["data_dir"] {
            if let v = path(n, "data_dir") {
                config.dataDirectory = v
                dataDirectoryIsKnown = true
            }
        } else {
            dataDirectoryIsKnown = true
        }
        if let n = map["campaigns_dir"], let v = path(n, "campaigns_dir") { config.campaignsDirectory = v }
        if let n = map["templates_dir"], let v = path(n, "templates_dir") { config.templatesDirectory = v }
        if let n = map["listen"], let v = text(n, "listen") {
            if let address = ListenAddress(parsing: v) {
                config.listen = address
            } else {
                yaml.error(n, "listen must be host:port such as 127.0.0.1:8470, found \(yaml.describe(n))")
            }
        }
        if let n = map["api_token"], let v = text(n, "api_token") {
            if v.count < 16 {
                yaml.error(n, "api_token is too short: use at least 16 characters (or leave it out to generate one)")
            } else {
                config.apiToken = Secret(v)
            }
        }
        if let n = map["timezone"], let v = zone(n, "timezone") { config.timezone = v }
        if let n = map["locale"], let v = text(n, "locale") { config.locale = v }
        if let n = map["stage_sweep"], let v = interpolated(n, "stage_sweep").flatMap({ yaml.duration($0, "stage_sweep") })
        {
            if v < 60 { yaml.error(n, "stage_sweep must be at least 1m") } else { config.stageSweep = v }
        }
        if let n = map["quiet_hours"] { config.quietHours = quietHours(n) ?? config.quietHours }
        if let n = map["default_consent"] { config.defaultConsent = consent(n) ?? config.defaultConsent }
        if let n = map["limits"] { config.limits = limits(n) ?? config.limits }
        if let n = map["retry"] { config.retry = retry(n) ?? config.retry }
        if let n = map["unsubscribe"] { config.unsubscribe = unsubscribe(n) ?? config.unsubscribe }
        if let n = map["channels"] { channels(n, into: &config) }
        if let n = map["max_body"], let v = text(n, "max_body") {
            if let bytes = ByteSize.parse(v), bytes >= 1024 {
                config.maxBodyBytes = bytes
            } else {
                yaml.error(n, "max_body must be a size of at least 1KiB such as 10MiB, found \(yaml.describe(n))")
            }
        }
        if let n = map["log_format"], let v = text(n, "log_format") {
            if let format = LogFormat(rawValue: v) {
                config.logFormat = format
            } else {
                yaml.error(n, "log_format must be logfmt or json\(Suggestion.hint(for: v, in: ["logfmt", "json"]))")
            }
        }
        return config
    }

    // MARK: Interpolated scalars

    /// The node with `${…}` expanded; on failure the error names the reference, never a value.
    func interpolated(_ node: Node, _ what: String) -> Node? {
        guard case .scalar(var scalar) = node else { return node }
        switch Interpolation.expand(scalar.string, in: environment) {
        case .success(let value):
            if value == scalar.string { return node }
            yaml.conceal(node, written: scalar.string)
            scalar.string = value
            scalar.style = .doubleQuoted
            return .scalar(scalar)
        case .failure(let failure):
            yaml.error(node, "\(what): \(failure.message)")
            return nil
        }
    }

    func text(_ node: Node, _ what: String) -> String? {
        guard let expanded = interpolated(node, what) else { return nil }
        return yaml.string(expanded, what)
    }

    func secret(_ node: Node, _ what: String) -> Secret? {
        text(node, what).map(Secret.init)
    }

    func path(_ node: Node, _ what: String) -> String? {
        guard let value = text(node, what) else { return nil }
        guard !value.isEmpty else {
            yaml.error(node, "\(what) must not be empty")
            return nil
        }
        return PathText.resolve(value, from: baseDirectory)
    }

    func zone(_ node: Node, _ what: String) -> TimeZone? {
        guard let value = text(node, what) else { return nil }
        guard let zone = TimeZone(identifier: value), value.contains("/") || value == "UTC" else {
            yaml.error(node, "\(what) must be an IANA time zone such as Asia/Ho_Chi_Minh, found \(yaml.describe(node))")
            return nil
        }
        return zone
    }

    func url(_ node: Node, _ what: String, schemes: [String]) -> String? {
        guard let value = text(node, what) else { return nil }
        let shown = yaml.describe(node)
        guard let colon = value.range(of: "://"), schemes.contains(value[..<colon.lowerBound].lowercased()),
            value.count > colon.upperBound.utf16Offset(in: value)
        else {
            let list = schemes.map { "\($0)://" }.joined(separator: " or ")
            yaml.error(node, "\(what) must be a \(list) URL, found \(shown)")
            return nil
        }
        return value
    }

    // MARK: Sections

    func quietHours(_ node: Node) -> QuietHours?? {
        guard let value = text(node, "quiet_hours") else { return nil }
        if ["off", "false", "none"].contains(value.lowercased()) { return .some(nil) }
        guard let hours = QuietHours(parsing: value) else {
            yaml.error(node, "quiet_hours must be a range such as \"21:00-08:00\" or off, found \(yaml.describe(node))")
            return nil
        }
        return .some(hours)
    }

    func consent(_ node: Node) -> [Channel: Bool]? {
        guard let map = yaml.mapping(node, "default_consent", keys: Channel.allCases.map(\.rawValue)) else {
            return nil
        }
        var consent = Config.defaults.defaultConsent
        for channel in Channel.allCases {
            if let n = map[channel.rawValue], let v = yaml.bool(n, "default_consent.\(channel.rawValue)") {
                consent[channel] = v
            }
        }
        return consent
    }

    func caps(_ node: Node, _ what: String) -> [FrequencyCap]? {
        yaml.list(node, what) { item in
            guard let map = self.yaml.mapping(item, "a cap in \(what)", keys: ["max", "per"], required: ["max", "per"]),
                let maxNode = map["max"], let perNode = map["per"],
                let max = self.yaml.integer(maxNode, "max", in: 0...10_000),
                let per = self.yaml.duration(perNode, "per")
            else { return nil }
            guard per >= 3600 else {
                self.yaml.error(perNode, "per must be at least 1h")
                return nil
            }
            return FrequencyCap(max: max, per: per)
        }
    }

    func limits(_ node: Node) -> FrequencyLimits? {
        guard let map = yaml.mapping(node, "limits", keys: ["per_customer", "per_channel"]) else { return nil }
        var limits = Config.defaults.limits
        if let n = map["per_customer"] { limits.perCustomer = caps(n, "limits.per_customer") ?? limits.perCustomer }
        if let n = map["per_channel"],
            let channels = yaml.mapping(n, "limits.per_channel", keys: Channel.allCases.map(\.rawValue))
        {
            limits.perChannel = [:]
            for channel in Channel.allCases {
                if let c = channels[channel.rawValue], let caps = caps(c, "limits.per_channel.\(channel.rawValue)") {
                    limits.perChannel[channel] = caps
                }
            }
        }
        return limits
    }

    func retry(_ node: Node) -> RetrySettings? {
        guard let map = yaml.mapping(node, "retry", keys: ["max_attempts", "first", "max"]) else { return nil }
        var retry = Config.defaults.retry
        if let n = map["max_attempts"], let v = yaml.integer(n, "retry.max_attempts", in: 1...100) {
            retry.maxAttempts = v
        }
        if let n = map["first"], let v = yaml.duration(n, "retry.first") { retry.first = v }
        if let n = map["max"], let v = yaml.duration(n, "retry.max") { retry.max = v }
        if retry.first > retry.max, let n = map["max"] ?? map["first"] {
            yaml.error(n, "retry.max (\(DurationText.format(retry.max))) is shorter than retry.first (\(DurationText.format(retry.first)))")
            return nil
        }
        return retry
    }

    func unsubscribe(_ node: Node) -> UnsubscribeSettings? {
        guard let map = yaml.mapping(node, "unsubscribe", keys: ["base_url", "secret"]) else { return nil }
        var settings = UnsubscribeSettings()
        if let n = map["base_url"] { settings.baseURL = url(n, "unsubscribe.base_url", schemes: ["http", "https"]) }
        if let n = map["secret"], let v = secret(n, "unsubscribe.secret") {
            if v.value.count < 16 {
                yaml.error(n, "unsubscribe.secret is too short: use at least 16 characters")
            } else {
                settings.secret = v
            }
        }
        return settings
    }
}

/// Sizes such as `10MiB`, `512KiB`, `1MB` or a plain number of bytes.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let units: [(String, Int)] = [
            ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1_000_000_000), ("MB", 1_000_000),
            ("KB", 1000), ("B", 1),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, size) in units where trimmed.hasSuffix(suffix) {
            return Int(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)).map { $0 * size }
        }
        return Int(trimmed)
    }
}

/// Path arithmetic on strings (the core does not touch the file system).
public enum PathText {
    /// The folder part of `path` (`.` when there is none).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` itself when absolute, otherwise joined to `base` (`./x` and `.` are tidied).
    public static func resolve(_ path: String, from base: String) -> String {
        if path.hasPrefix("/") || base == "." || base.isEmpty { return path }
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return relative == "." ? base : base + "/" + relative
    }
}
