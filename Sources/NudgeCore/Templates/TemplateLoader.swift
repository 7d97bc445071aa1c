import Mustache
import Yams

/// Compiles the files of a templates folder. Names follow `<name>.<channel>.mustache`
/// (`<name>.email.txt.mustache` for a text part) and partials live in `partials/<name>.mustache`.
public enum TemplateLoader {
    /// Helpers usable as `{{helper(value)}}`: nudge's money and date formatting, and swift-mustache's own.
    public static let helpers: Set<String> = [
        "money", "date", "datetime", "time", "capitalized", "lowercased", "uppercased", "reversed", "empty", "first",
        "last", "count", "sorted", "even", "odd", "equalzero", "plusone", "minusone",
    ]

    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    /// `files` are the templates at the top of the folder, `partials` those in `partials/`.
    public static func load(files: [SourceFile], partials partialFiles: [SourceFile]) -> (TemplateSet, Diagnostics) {
        var diagnostics = Diagnostics()
        var set = TemplateSet.empty

        for file in partialFiles.sorted(by: { $0.path < $1.path }) {
            guard let name = fileName(file).split(separator: ".").first.map(String.init) else { continue }
            if let compiled = compile(file.text, file: file, firstLine: 1, asText: false, &diagnostics) {
                set.partials[name] = compiled
                set.library.register(compiled.template, named: name)
            } else {
                set.brokenPartials.insert(name)
            }
        }

        var textParts: [String: SourceFile] = [:]
        for file in files.sorted(by: { $0.path < $1.path }) {
            let parts = fileName(file).split(separator: ".").map(String.init)
            guard parts.count >= 2, parts.last == "mustache" else { continue }
            if parts.count == 4, parts[1] == "email", parts[2] == "txt" {
                textParts[parts[0]] = file
                continue
            }
            guard parts.count == 3, let channel = Channel(rawValue: parts[1]) else {
                if let compiled = compile(file.text, file: file, firstLine: 1, asText: true, &diagnostics) {
                    set.others[fileName(file)] = compiled
                }
                continue
            }
            if let template = message(parts[0], channel, file, &diagnostics) {
                set.messages[channel, default: [:]][parts[0]] = template
            } else {
                set.broken.insert("\(parts[0]).\(channel.rawValue)")
            }
        }

        for (name, file) in textParts.sorted(by: { $0.key < $1.key }) {
            guard set.messages[.email]?[name] != nil else {
                // An email template that failed to compile was already reported; only a lone text part is news.
                if !set.broken.contains("\(name).email") {
                    diagnostics.warning(
                        file.wholeFile, "text part without an email template (expected \(name).email.mustache beside it)")
                }
                continue
            }
            set.messages[.email]?[name]?.text = compile(file.text, file: file, firstLine: 1, asText: true, &diagnostics)
        }

        for template in set.messages.values.flatMap(\.values) {
            for part in template.parts { checkTags(part, in: set, &diagnostics) }
        }
        for part in set.others.values { checkTags(part, in: set, &diagnostics) }
        for part in set.partials.values { checkTags(part, in: set, &diagnostics) }
        return (set, diagnostics)
    }

    static func fileName(_ file: SourceFile) -> String {
        file.path.split(separator: "/").last.map(String.init) ?? file.path
    }

    private static func message(_ name: String, _ channel: Channel, _ file: SourceFile, _ diagnostics: inout Diagnostics)
        -> MessageTemplate?
    {
        let split = FrontMatter.split(file)
        var fields: [String: CompiledTemplate] = [:]
        let allowed: [String]
        let required: [String]
        switch channel {
        case .email: (allowed, required) = (["subject", "preheader"], ["subject"])
        case .push: (allowed, required) = (["title", "url"], ["title"])
        case .sms: (allowed, required) = ([], [])
        }
        if let front = split.frontMatter {
            if channel == .sms {
                diagnostics.error(
                    SourcePosition(file: file.path, line: 1, column: 1),
                    "SMS templates have no front matter: the whole file is the text")
                return nil
            }
            let yaml = YAMLReader(front)
            if let root = yaml.root(), let map = yaml.mapping(root, "the front matter", keys: allowed) {
                for key in map.order {
                    guard let node = map[key], let text = yaml.string(node, key) else { continue }
                    if let compiled = compileField(text, file: file, node: node, yaml: yaml, &diagnostics) {
                        fields[key] = compiled
                    }
                }
            }
            diagnostics.append(contentsOf: yaml.diagnostics)
        }
        for key in required where fields[key] == nil {
            if split.frontMatter == nil || !diagnostics.all.contains(where: { $0.location.file == file.path }) {
                let example = key == "subject" ? "subject: Phụ kiện cho điện thoại mới" : "title: Sắp hết dung lượng"
                diagnostics.error(
                    SourcePosition(file: file.path, line: 1, column: 1),
                    "\(channel.rawValue) template needs '\(key)' in its front matter (---\\n\(example)\\n---)")
            }
        }
        guard let body = compile(split.body, file: file, firstLine: split.bodyLine, asText: channel != .email, &diagnostics),
            required.allSatisfy({ fields[$0] != nil })
        else { return nil }
        return MessageTemplate(
            name: name, channel: channel, file: file.path, subject: fields["subject"], preheader: fields["preheader"],
            title: fields["title"], url: fields["url"], body: body, text: nil)
    }

    /// Compiles a front matter value (subject, title …); its tags are positioned where they sit in the file,
    /// whatever the YAML quoting.
    private static func compileField(
        _ text: String, file: SourceFile, node: Node, yaml: YAMLReader, _ diagnostics: inout Diagnostics
    ) -> CompiledTemplate? {
        let location = yaml.location(node)
        guard var compiled = compile(text, file: file, firstLine: location.line, asText: true, &diagnostics) else {
            return nil
        }
        let positions = yaml.positions(of: node)
        let lineStarts = text.split(separator: "\n", omittingEmptySubsequences: false)
            .reduce(into: [0]) { starts, line in starts.append(starts.last! + line.unicodeScalars.count + 1) }
        compiled.tags = compiled.tags.map { tag in
            var tag = tag
            let valueLine = tag.line - location.line
            let position = positions.location(at: lineStarts[min(valueLine, lineStarts.count - 1)] + tag.column - 1)
            tag.line = position.line
            tag.column = position.column
            return tag
        }
        return compiled
    }

    /// Compiles Mustache text that starts at `firstLine` of `file`; text templates do not HTML-escape.
    static func compile(
        _ text: String, file: SourceFile, firstLine: Int, asText: Bool, _ diagnostics: inout Diagnostics
    ) -> CompiledTemplate? {
        do {
            let template = try MustacheTemplate(string: asText ? textPragma + text : text)
            let tags = TemplateTagScanner.tags(in: text).map { tag in
                var tag = tag
                tag.line += firstLine - 1
                return tag
            }
            return CompiledTemplate(template: template, tags: tags, file: file.path)
        } catch let error as MustacheTemplate.ParserError {
            if case .expectedSectionEnd = error.error as? MustacheTemplate.Error,
                let open = TemplateTagScanner.unclosedSection(in: text)
            {
                diagnostics.error(
                    SourcePosition(file: file.path, line: open.line + firstLine - 1, column: open.column),
                    "template syntax: the section '\(open.dotted)' is never closed (missing {{/\(open.dotted)}})")
                return nil
            }
            var column = error.context.columnNumber
            if asText, error.context.lineNumber == 1 { column = max(1, column - textPragma.unicodeScalars.count) }
            diagnostics.error(
                SourcePosition(file: file.path, line: error.context.lineNumber + firstLine - 1, column: column),
                "template syntax: \(describe(error.error))")
            return nil
        } catch {
            diagnostics.error(file.wholeFile, "template syntax: \(error)")
            return nil
        }
    }

    static func describe(_ error: Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "the closing tag does not match the open section"
        case .unfinishedName: return "unfinished tag (missing '}}')"
        case .expectedSectionEnd: return "a section is never closed (missing {{/…}})"
        case .invalidSetDelimiter: return "malformed delimiter change"
        case .transformAppliedToInheritanceSection: return "a helper cannot be applied to an inherited section"
        case .illegalTokenInsideInheritSection: return "unexpected tag inside an inherited section"
        case .textInsideInheritSection: return "unexpected text inside an inherited section"
        case .invalidConfigVariableSyntax: return "malformed pragma"
        case .unrecognisedConfigVariable: return "unknown pragma"
        }
    }

    /// Unknown helpers and partials are errors: Mustache would silently render nothing for them.
    private static func checkTags(_ part: CompiledTemplate, in set: TemplateSet, _ diagnostics: inout Diagnostics) {
        for tag in part.tags {
            let location = SourcePosition(file: part.file, line: tag.line, column: tag.column)
            if let helper = tag.helper, !helpers.contains(helper) {
                diagnostics.error(location, "unknown helper '\(helper)'\(Suggestion.hint(for: helper, in: helpers.sorted()))")
            }
            if tag.kind == .partial, set.partials[tag.dotted] == nil, !set.brokenPartials.contains(tag.dotted) {
                let hint = Suggestion.hint(for: tag.dotted, in: set.partials.keys.sorted())
                diagnostics.error(location, "unknown partial '\(tag.dotted)'\(hint) (expected partials/\(tag.dotted).mustache)")
            }
        }
    }
}

/// A template's YAML front matter (between `---` lines at the top) and its body.
enum FrontMatter {
    struct Split {
        /// The front matter as a file of its own, padded so that its line numbers are the file's.
        var frontMatter: SourceFile?
        var body: String
        /// The file line on which the body starts.
        var bodyLine: Int
    }

    static func split(_ file: SourceFile) -> Split {
        let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
            let close = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        else { return Split(frontMatter: nil, body: file.text, bodyLine: 1) }
        let front = [""] + lines[1..<close].map(String.init)
        let body = lines[(close + 1)...].joined(separator: "\n")
        return Split(
            frontMatter: SourceFile(path: file.path, text: front.joined(separator: "\n")), body: body, bodyLine: close + 2)
    }
}
