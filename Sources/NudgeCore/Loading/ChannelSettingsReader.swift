import Yams

/// Reads `channels:` in `nudge.yml`: one entry per channel, each with a transport and that transport's keys.
extension ConfigReader {
    static let commonChannelKeys = ["transport", "concurrency", "rate", "timeout"]
    static let transportKeys: [String: [String]] = [
        "file": ["dir"],
        "smtp": ["url", "starttls", "username", "password", "from", "ca_file", "tls_verify"],
        "kannel": [
            "url", "username", "password", "from", "strip_diacritics", "max_parts", "delivery_reports", "dlr_url",
        ],
        "http": ["url", "headers", "body", "ca_file", "tls_verify"],
    ]

    func channels(_ node: Node, into config: inout Config) {
        guard let map = yaml.mapping(node, "channels", keys: Channel.allCases.map(\.rawValue)) else { return }
        for channel in Channel.allCases {
            guard let entry = map[channel.rawValue] else { continue }
            if let settings = channelSettings(entry, channel) { config.channels[channel] = settings }
        }
    }

    private func channelSettings(_ node: Node, _ channel: Channel) -> ChannelSettings? {
        let what = "channels.\(channel.rawValue)"
        guard case .mapping(let raw) = node else {
            yaml.error(node, "\(what) must be a mapping, found \(yaml.describe(node))")
            return nil
        }
        guard let transportNode = raw["transport"] else {
            yaml.error(node, "\(what) is missing 'transport' (file, smtp, kannel or http)")
            return nil
        }
        guard let transport = text(transportNode, "\(what).transport") else { return nil }
        guard let specific = Self.transportKeys[transport] else {
            let names = Self.transportKeys.keys.sorted()
            yaml.error(
                transportNode,
                "unknown transport '\(transport)' for \(what)\(Suggestion.hint(for: transport, in: names)); use one of \(names.joined(separator: ", "))"
            )
            return nil
        }
        guard let map = yaml.mapping(node, what, keys: Self.commonChannelKeys + specific) else { return nil }
        let defaults = ChannelSettings.fileDefault
        var settings = ChannelSettings(
            transport: defaults.transport, concurrency: transport == "file" ? 4 : 8, rate: nil, timeout: 30)
        if let n = map["concurrency"], let v = yaml.integer(n, "\(what).concurrency", in: 1...1024) {
            settings.concurrency = v
        }
        if let n = map["rate"], let v = text(n, "\(what).rate") {
            if let rate = Rate(parsing: v) {
                settings.rate = rate
            } else {
                yaml.error(n, "\(what).rate must be a rate such as 100/s, 600/m or 5000/h, found \(yaml.describe(n))")
            }
        }
        if let n = map["timeout"], let v = interpolated(n, "\(what).timeout").flatMap({ yaml.duration($0, "\(what).timeout") }) {
            if v < 1 || v > 600 { yaml.error(n, "\(what).timeout must be between 1s and 10m") } else { settings.timeout = v }
        }
        let parsed: ChannelSettings.Transport?
        switch transport {
        case "file": parsed = .file(FileTransport(directory: map["dir"].flatMap { path($0, "\(what).dir") }))
        case "smtp": parsed = smtp(map, what).map { .smtp($0) }
        case "kannel": parsed = kannel(map, what, channel: channel).map { .kannel($0) }
        default: parsed = http(map, what).map { .http($0) }
        }
        guard let parsed else { return nil }
        settings.transport = parsed
        return settings
    }

    private func tls(_ map: YAMLMapping, _ what: String) -> TLSSettings {
        var tls = TLSSettings()
        if let n = map["ca_file"] { tls.caFile = path(n, "\(what).ca_file") }
        if let n = map["tls_verify"], let v = yaml.bool(n, "\(what).tls_verify") { tls.verify = v }
        return tls
    }

    private func required(_ map: YAMLMapping, _ key: String, _ what: String, _ hint: String) -> Node? {
        guard let node = map[key] else {
            yaml.error(map.node, "\(what) is missing '\(key)' (\(hint))")
            return nil
        }
        return node
    }

    private func smtp(_ map: YAMLMapping, _ what: String) -> SMTPTransport? {
        let urlNode = required(map, "url", what, "such as smtp://127.0.0.1:25 or smtps://mail.example.vn:465")
        let fromNode = required(map, "from", what, "the sender, such as \"Shop <shop@example.vn>\"")
        let address = urlNode.flatMap { self.url($0, "\(what).url", schemes: ["smtp", "smtps"]) }
        let from = fromNode.flatMap { text($0, "\(what).from") }
        if let from, let fromNode, !EmailAddressText.isMailbox(from) {
            yaml.error(fromNode, "\(what).from must be an address such as \"Shop <shop@example.vn>\", found \(yaml.describe(fromNode))")
            return nil
        }
        var startTLS = SMTPTransport.StartTLS.required
        if let n = map["starttls"], let v = text(n, "\(what).starttls") {
            guard let mode = SMTPTransport.StartTLS(rawValue: v) else {
                yaml.error(n, "\(what).starttls must be required, optional or off, found \(yaml.describe(n))")
                return nil
            }
            startTLS = mode
        }
        let username = map["username"].flatMap { text($0, "\(what).username") }
        let password = map["password"].flatMap { secret($0, "\(what).password") }
        if password != nil, username == nil {
            yaml.error(map.node, "\(what) has a password but no username")
        }
        guard let address, let from else { return nil }
        return SMTPTransport(
            url: address, startTLS: startTLS, username: username, password: password, from: from, tls: tls(map, what))
    }

    private func kannel(_ map: YAMLMapping, _ what: String, channel: Channel) -> KannelTransport? {
        if channel != .sms {
            yaml.error(map.node, "the kannel transport sends SMS only; \(what) cannot use it")
            return nil
        }
        let urlNode = required(map, "url", what, "the sendsms URL, such as http://127.0.0.1:13013/cgi-bin/sendsms")
        guard let address = urlNode.flatMap({ self.url($0, "\(what).url", schemes: ["http", "https"]) }) else { return nil }
        var transport = KannelTransport(
            url: address, username: map["username"].flatMap { text($0, "\(what).username") },
            password: map["password"].flatMap { secret($0, "\(what).password") },
            from: map["from"].flatMap { text($0, "\(what).from") }, stripDiacritics: false, maxParts: 3)
        if let n = map["strip_diacritics"], let v = yaml.bool(n, "\(what).strip_diacritics") {
            transport.stripDiacritics = v
        }
        if let n = map["max_parts"], let v = yaml.integer(n, "\(what).max_parts", in: 1...255) { transport.maxParts = v }
        if let n = map["delivery_reports"], let v = yaml.bool(n, "\(what).delivery_reports") {
            transport.deliveryReports = v
        }
        if let n = map["dlr_url"] {
            transport.deliveryReportURL = self.url(n, "\(what).dlr_url", schemes: ["http", "https"])
        }
        return transport
    }

    private func http(_ map: YAMLMapping, _ what: String) -> HTTPTransport? {
        let urlNode = required(map, "url", what, "such as https://push.example/send")
        guard let address = urlNode.flatMap({ self.url($0, "\(what).url", schemes: ["http", "https"]) }) else { return nil }
        var headers: [String: Secret] = [:]
        if let n = map["headers"] {
            if case .mapping(let raw) = n {
                for (keyNode, valueNode) in raw {
                    guard let name = keyNode.scalar?.string, HeaderText.isToken(name) else {
                        yaml.error(keyNode, "\(what).headers: \(yaml.describe(keyNode)) is not a valid header name")
                        continue
                    }
                    guard let value = text(valueNode, "\(what).headers.\(name)") else { continue }
                    guard !value.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                        yaml.error(valueNode, "\(what).headers.\(name) must be one line")
                        continue
                    }
                    headers[name] = Secret(value)
                }
                // What sending would refuse (names nudge sets itself, duplicates, non-ASCII names), said now.
                for problem in HTTPHeaders.problems(in: headers) { yaml.error(n, "\(what).headers: \(problem)") }
            } else {
                yaml.error(n, "\(what).headers must be a mapping of header names to values, found \(yaml.describe(n))")
            }
        }
        let body = map["body"].flatMap { yaml.string($0, "\(what).body") }
        return HTTPTransport(
            url: address, headers: headers, bodyTemplate: body,
            bodyTemplatePosition: map["body"].map { yaml.location($0) }, tls: tls(map, what))
    }
}

/// Light syntax checks for addresses and headers in configuration.
enum EmailAddressText {
    /// `user@host` or `Display Name <user@host>`, on one line.
    static func isMailbox(_ text: String) -> Bool {
        guard !text.contains(where: { $0 == "\r" || $0 == "\n" }) else { return false }
        var address = Substring(text)
        if let open = text.lastIndex(of: "<") {
            guard text.hasSuffix(">") else { return false }
            address = text[text.index(after: open)..<text.index(before: text.endIndex)]
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !address.contains(" ")
    }
}

enum HeaderText {
    /// An HTTP header field name (RFC 9110 token).
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { $0.isIdentifierPart || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0) }
    }
}
