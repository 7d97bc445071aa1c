import Yams

/// Checks a step's templates: that they exist for the step's channel, and that every variable they use is
/// something the step provides (an unprovided variable would render as nothing).
extension CampaignReader {
    func template(_ node: Node, channel: Channel?) -> String? {
        guard let name = yaml.name(node, "template") else { return nil }
        guard let channel, let templates = context.templates else { return name }
        if templates.message(name, for: channel) != nil || templates.broken.contains("\(name).\(channel.rawValue)") {
            return name
        }
        let others = Channel.allCases.filter { templates.message(name, for: $0) != nil }.map(\.rawValue)
        let hint =
            others.isEmpty
            ? Suggestion.hint(for: name, in: (templates.messages[channel] ?? [:]).keys.sorted())
            : " (there is \(Article.before(others[0])) \(others.joined(separator: "/")) template of that name)"
        yaml.error(node, "unknown template '\(name)' for \(channel.rawValue)\(hint): expected \(name).\(channel.rawValue).mustache in the templates folder")
        return nil
    }

    func checkTemplates(_ step: Step, _ map: YAMLMapping, trigger: Trigger?) {
        guard let templates = context.templates, let trigger else { return }
        let checker = TemplateVariableCheck(
            provided: TemplateVariableCheck.provided(by: step, trigger: trigger), partials: templates.partials)
        for name in step.templates {
            guard let template = templates.message(name, for: step.channel) else { continue }
            for part in template.parts {
                for missing in checker.unprovided(in: part) {
                    yaml.warning(
                        at: missing.location,
                        "template variable '\(missing.path)' is not provided by step '\(step.id)' of campaign '\(yaml.file.stem)'\(missing.why)"
                    )
                }
            }
        }
    }
}

/// Resolves template tags against what a step provides, following Mustache's context stack:
/// inside `{{#recommendations}}` names are looked up on the item first, then outwards.
struct TemplateVariableCheck {
    struct Missing: Equatable {
        var path: String
        var why: String
        var location: SourcePosition
    }

    let provided: Schema
    let partials: [String: CompiledTemplate]

    static let recommendedItem = Schema(
        name: "recommendation",
        fields: [
            "sku": .string, "name": .string, "price": .number, "url": .string, "image_url": .string,
            "category": .string, "currency": .string,
        ])
    static let offer = Schema(name: "offer", fields: ["code": .string, "expires_at": .time, "valid_for": .duration])
    static let campaign = Schema(name: "campaign", fields: ["id": .string, "name": .string, "kind": .string])

    /// The variables a step's message is rendered with.
    static func provided(by step: Step, trigger: Trigger) -> Schema {
        var fields: [String: ValueType] = [
            "customer": .object(.customer), "campaign": .object(campaign), "unsubscribe_url": .string,
        ]
        if trigger.providesEvent { fields["event"] = .object(.event) }
        if step.recommend != nil { fields["recommendations"] = .list(.object(recommendedItem)) }
        if step.offer != nil { fields["offer"] = .object(offer) }
        return Schema(name: "message", fields: fields)
    }

    func unprovided(in part: CompiledTemplate) -> [Missing] {
        var frames: [ValueType?] = [.object(provided)]
        var missing: [Missing] = []
        walk(part.tags, file: part.file, frames: &frames, depth: 0, into: &missing)
        return missing
    }

    private func walk(_ tags: [TemplateTag], file: String, frames: inout [ValueType?], depth: Int, into missing: inout [Missing]) {
        for tag in tags {
            let location = SourcePosition(file: file, line: tag.line, column: tag.column)
            switch tag.kind {
            case .sectionEnd:
                if frames.count > 1 { frames.removeLast() }
            case .partial:
                guard depth < 8, let partial = partials[tag.dotted] else { continue }
                var inner = frames
                walk(partial.tags, file: partial.file, frames: &inner, depth: depth + 1, into: &missing)
            case .variable, .section, .invertedSection:
                let resolved = resolve(tag.path, in: frames)
                if case .failure(let why) = resolved {
                    missing.append(Missing(path: tag.dotted, why: why.text, location: location))
                }
                guard tag.kind == .section else {
                    if tag.kind == .invertedSection { frames.append(nil) }
                    continue
                }
                switch resolved {
                case .success(.list(let element)): frames.append(element)
                case .success(let type): frames.append(type == .any || isObject(type) ? type : nil)
                case .failure: frames.append(.any)
                }
            }
        }
    }

    private func isObject(_ type: ValueType) -> Bool {
        if case .object = type { return true }
        return false
    }

    private struct Reason: Error {
        var text: String
    }

    private func resolve(_ path: [String], in frames: [ValueType?]) -> Result<ValueType, Reason> {
        // `{{.}}`, and helpers of the current item such as `{{^last()}}` in a list.
        guard let first = path.first, !first.isEmpty else { return .success(.any) }
        for frame in frames.reversed() {
            switch frame {
            case .any?:
                return .success(.any)
            case .object(let schema)?:
                guard let type = schema.fields[first] ?? schema.otherFields else { continue }
                return walkFields(path.dropFirst(), from: type)
            default:
                continue
            }
        }
        switch first {
        case "offer": return .failure(Reason(text: " (the step has no offer:)"))
        case "recommendations": return .failure(Reason(text: " (the step has no recommend:)"))
        case "event": return .failure(Reason(text: " (the campaign is not triggered by an event)"))
        default:
            return .failure(Reason(text: Suggestion.hint(for: first, in: provided.fields.keys.sorted())))
        }
    }

    private func walkFields(_ rest: ArraySlice<String>, from start: ValueType) -> Result<ValueType, Reason> {
        var type = start
        for field in rest {
            guard case .object(let schema) = type else { return .success(.any) }
            guard let next = schema.fields[field] ?? schema.otherFields else {
                let hint = Suggestion.hint(for: field, in: schema.fields.keys.sorted())
                return .failure(Reason(text: ": \(schema.name) has no field '\(field)'\(hint)"))
            }
            type = next
        }
        return .success(type)
    }
}
