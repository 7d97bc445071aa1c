import Foundation

/// Checks the body templates of channels on the `http` transport when files load (`nudge check`, startup,
/// reload): the template exists, uses only the fields a body has (`HTTPBodyFields`), and renders to JSON for a
/// sample message with every field set (text with quotes, a backslash, a line break, Vietnamese) and for one
/// with the optional fields absent.
enum HTTPBodyTemplateCheck {
    static func check(config: Config, templates: TemplateSet, _ diagnostics: inout Diagnostics) {
        for channel in Channel.allCases {
            guard case .http(let http)? = config.channels[channel]?.transport, let name = http.bodyTemplate else {
                continue
            }
            guard let template = templates.others[name] else {
                diagnostics.error(
                    http.bodyTemplatePosition
                        ?? SourcePosition(file: config.sourcePath ?? "nudge.yml", line: 0, column: 0),
                    "the http transport's body template '\(name)' is not in the templates folder")
                continue
            }
            let fields = TemplateVariableCheck(provided: HTTPBodyFields.schema, partials: templates.partials)
            let unknown = fields.unprovided(in: template)
            for missing in unknown {
                diagnostics.error(
                    missing.location,
                    "'\(missing.path)' is not a field of an http body\(missing.why) (channel \(channel.rawValue))")
            }
            // An unknown field renders as nothing, which may well break the JSON: one error for it is enough.
            guard unknown.isEmpty else { continue }
            for sample in [full(channel), minimal(channel)] {
                let rendered = HTTPBody.render(sample, with: template, named: name, library: templates.library)
                guard case .failure(let error) = rendered, case .notJSON(let syntax) = error.problem else { continue }
                diagnostics.error(
                    SourcePosition(file: template.file, line: 1, column: 1),
                    "the http body template of channel '\(channel.rawValue)' does not render to JSON for a sample "
                        + "message\(sample.isMarketing ? "" : " without optional fields") (rendered \(syntax)); "
                        + "write text fields inside quotes (\"{{body}}\") and whole values without them ({{json.to}})")
                break
            }
        }
    }

    private static let epoch = Date(timeIntervalSince1970: 0)

    /// A message with every field set, its text as awkward for JSON as customers' data can be.
    static func full(_ channel: Channel) -> OutboxMessage {
        let addresses: [String] =
            switch channel {
            case .email: ["lan@example.vn"]
            case .sms: ["+84901234567"]
            case .push: ["token-1", "token-2"]
            }
        let text = "Chào chị \"Lan\",\nưu đãi 15% — C:\\Khuyến mãi\t🎉"
        return OutboxMessage(
            key: "sample/sample-step/sample-customer/1", campaign: "sample", step: "sample-step", variant: "a",
            customerID: "sample-customer", channel: channel,
            recipient: Recipient(addresses: addresses, name: "Nguyễn Thị \"Lan\""),
            content: MessageContent(
                subject: "Ưu đãi \"riêng\" cho chị", preheader: nil, html: "<p class=\"x\">\(text)</p>", text: text,
                title: "Cảm ơn \"chị\" Lan", url: "shop://p/1?a=\"b\"", unsubscribeURL: "https://shop.example/u/x"),
            nextAttemptAt: epoch, createdAt: epoch, isMarketing: true)
    }

    /// A notice with no address, no variant and only its text.
    static func minimal(_ channel: Channel) -> OutboxMessage {
        OutboxMessage(
            key: "sample/sample-step/sample-customer/2", campaign: "sample", step: "sample-step",
            customerID: "sample-customer", channel: channel, recipient: Recipient(addresses: []),
            content: MessageContent(text: "Xin chào"), nextAttemptAt: epoch, createdAt: epoch, isMarketing: false)
    }
}
