import Foundation
import Yams

/// Reads one YAML file into typed values, recording a diagnostic with file:line:col for every problem and
/// carrying on, so a single run reports everything that is wrong.
final class YAMLReader {
    let file: SourceFile
    private(set) var diagnostics = Diagnostics()
    /// Scalars whose value came from `${…}`: messages quote what was written, never the value.
    private var concealed: [SourcePosition: String] = [:]
    private lazy var lines: [[Unicode.Scalar]] = file.text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { Array($0.unicodeScalars) }

    init(_ file: SourceFile) {
        self.file = file
    }

    // MARK: Parsing

    /// The document's root node, or nil (with a diagnostic) when the YAML itself is malformed, or empty
    /// and `emptyAllowed` is false.
    func root(emptyAllowed: Bool = false) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: file.text) else {
                if !emptyAllowed { error(at: file.wholeFile, "the file is empty") }
                return nil
            }
            return node
        } catch let yamlError as YamlError {
            report(yamlError)
            return nil
        } catch {
            self.error(at: file.wholeFile, "cannot read YAML: \(error)")
            return nil
        }
    }

    private func report(_ yamlError: YamlError) {
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // An unclosed quote or bracket is best shown where it opens, not where the file ends.
            let opened: [String: String] = [
                "while scanning a quoted scalar": "this quoted text is never closed",
                "while parsing a flow sequence": "this '[' is never closed",
                "while parsing a flow mapping": "this '{' is never closed",
            ]
            if let context, let what = opened[context.text], context.mark.line < mark.line {
                error(at: location(context.mark), "invalid YAML: \(what) (\(problem))")
            } else {
                error(at: location(mark), "invalid YAML: \(problem)")
            }
        case .duplicatedKeysInMapping(let keys, let context):
            for key in keys { reportDuplicate(key, first: context.mark) }
        case .reader(let problem, _, _, _):
            error(at: file.wholeFile, "cannot read the file: \(problem)")
        default:
            error(at: file.wholeFile, "invalid YAML: \(yamlError)")
        }
    }

    /// Points at the second occurrence of a duplicated key: the next line at the same indentation that
    /// starts with `key:`.
    private func reportDuplicate(_ key: String, first: Mark) {
        let indentation = first.column - 1
        for index in first.line..<lines.count {
            let line = lines[index]
            guard line.count > indentation, line.prefix(indentation).allSatisfy({ $0 == " " || $0 == "-" }) else {
                continue
            }
            let rest = String(String.UnicodeScalarView(line[indentation...]))
            if rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") {
                error(
                    at: SourcePosition(file: file.path, line: index + 1, column: indentation + 1),
                    "duplicate key '\(key)' (already used at line \(first.line))")
                return
            }
        }
        error(at: location(first), "duplicate key '\(key)'")
    }

    // MARK: Locations and diagnostics

    func location(_ mark: Mark?) -> SourcePosition {
        guard let mark else { return file.wholeFile }
        return SourcePosition(file: file.path, line: mark.line, column: mark.column)
    }

    func location(_ node: Node) -> SourcePosition { location(node.mark) }

    func error(at location: SourcePosition, _ message: String) { diagnostics.error(location, message) }
    func warning(at location: SourcePosition, _ message: String) { diagnostics.warning(location, message) }
    func error(_ node: Node, _ message: String) { error(at: location(node), message) }

    /// Where each character of a scalar's value sits in the file.
    func positions(of node: Node) -> ScalarPositions {
        var start = location(node)
        if case .scalar(let scalar) = node, scalar.style == .literal || scalar.style == .folded {
            start = SourcePosition(file: start.file, line: start.line + 1, column: 1)
        }
        return ScalarPositions(value: node.string ?? "", start: start, lines: lines)
    }

    // MARK: Shapes

    /// Marks a scalar as holding an interpolated value, written in the file as `written`.
    func conceal(_ node: Node, written: String) {
        concealed[location(node)] = written
    }

    /// A description of a node for "expected …, found …" messages.
    func describe(_ node: Node) -> String {
        if let written = concealed[location(node)] { return "the value of '\(written)'" }
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if node.null != nil { return "nothing" }
            let text = scalar.string
            return text.count > 40 ? "'\(text.prefix(40))…'" : "'\(text)'"
        }
    }

    /// The keys and values of a mapping; unknown keys and missing required keys are reported.
    func mapping(_ node: Node, _ what: String, keys: [String], required: [String] = []) -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping, found \(describe(node))")
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        var order: [String] = []
        var misspelled = Set<String>()
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else {
                error(keyNode, "keys must be plain names, found \(describe(keyNode))")
                continue
            }
            guard keys.contains(key) else {
                let suggestion = Suggestion.closest(to: key, in: keys)
                if let suggestion { misspelled.insert(suggestion) }
                error(keyNode, "unknown key '\(key)' in \(what)\(suggestion.map { " (did you mean '\($0)'?)" } ?? "")")
                continue
            }
            entries[key] = (keyNode, valueNode)
            order.append(key)
        }
        // A misspelled required key is reported once, as the misspelling.
        for key in required where entries[key] == nil && !misspelled.contains(key) {
            error(node, "\(what) is missing '\(key)'")
        }
        return YAMLMapping(node: node, entries: entries, order: order)
    }

    // MARK: Scalars

    /// A scalar's text, or nil with "expected …" when the node is a list or mapping (or empty).
    func scalar(_ node: Node, _ what: String, expected: String) -> String? {
        guard case .scalar(let scalar) = node, node.null == nil else {
            error(node, "\(what) must be \(expected), found \(describe(node))")
            return nil
        }
        return scalar.string
    }

    func string(_ node: Node, _ what: String) -> String? {
        guard let text = scalar(node, what, expected: "text") else { return nil }
        return text
    }

    /// A non-empty name without spaces or slashes (ids, stage and template names, SKUs).
    func name(_ node: Node, _ what: String) -> String? {
        guard let text = scalar(node, what, expected: "a name") else { return nil }
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            error(node, "\(what) must be a name without spaces or '/', found \(describe(node))")
            return nil
        }
        return text
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        guard let text = scalar(node, what, expected: "true or false") else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(node, "\(what) must be true or false, found \(describe(node))")
            return nil
        }
    }

    func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = scalar(node, what, expected: "a whole number") else { return nil }
        guard let value = Int(text) else {
            error(node, "\(what) must be a whole number, found \(describe(node))")
            return nil
        }
        guard range.contains(value) else {
            error(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
            return nil
        }
        return value
    }

    func number(_ node: Node, _ what: String, in range: ClosedRange<Double>) -> Double? {
        guard let text = scalar(node, what, expected: "a number") else { return nil }
        guard let value = Double(text), value.isFinite else {
            error(node, "\(what) must be a number, found \(describe(node))")
            return nil
        }
        guard range.contains(value) else {
            error(
                node,
                "\(what) must be between \(NumberText.format(range.lowerBound)) and \(NumberText.format(range.upperBound)), found \(text)"
            )
            return nil
        }
        return value
    }

    /// `30s`, `15m`, `48h`, `21d`, `3w`, `1h30m`.
    func duration(_ node: Node, _ what: String) -> TimeInterval? {
        guard let text = scalar(node, what, expected: "a duration such as 48h or 3w") else { return nil }
        guard let seconds = DurationText.parse(text) else {
            error(node, "\(what) must be a duration such as 30m, 48h, 21d or 3w, found \(describe(node))")
            return nil
        }
        return seconds
    }

    /// `10%` → 0.10, within `range` (given as fractions).
    func percentage(_ node: Node, _ what: String, in range: ClosedRange<Double> = 0...1) -> Double? {
        guard let text = scalar(node, what, expected: "a percentage such as 10%") else { return nil }
        guard text.hasSuffix("%"), let number = Double(text.dropLast().trimmingCharacters(in: .whitespaces)),
            number.isFinite
        else {
            error(node, "\(what) must be a percentage such as 10%, found \(describe(node))")
            return nil
        }
        let fraction = number / 100
        guard range.contains(fraction) else {
            error(
                node,
                "\(what) must be between \(NumberText.format(range.lowerBound * 100))% and \(NumberText.format(range.upperBound * 100))%, found \(text)"
            )
            return nil
        }
        return fraction
    }

    /// One item or a list of items: `stages: lapsed` and `stages: [lapsed, churned]` are both accepted.
    func list<T>(_ node: Node, _ what: String, _ item: (Node) -> T?) -> [T]? {
        switch node {
        case .sequence(let sequence):
            let items = sequence.map { item($0) }
            return items.contains { $0 == nil } ? nil : items.compactMap { $0 }
        case .mapping:
            error(node, "\(what) must be a list, found a mapping")
            return nil
        default:
            return item(node).map { [$0] }
        }
    }

    /// A list that must be written as a YAML list (steps, variants, exits).
    func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(node, "\(what) must be a list, found \(describe(node))")
            return nil
        }
        return Array(sequence)
    }

    // MARK: Conditions

    /// Compiles one `where:`/`when:` string, or a list of them (all must hold), reporting errors at their
    /// exact position in the file.
    func conditions(_ node: Node, _ what: String, scope: ConditionScope) -> ConditionSet? {
        guard let texts = list(node, what, { self.scalar($0, what, expected: "a condition") != nil ? $0 : nil }) else {
            return nil
        }
        var compiled: [Condition] = []
        var failed = false
        for textNode in texts {
            let text = textNode.string ?? ""
            switch Condition.compile(text, scope: scope) {
            case .success(let condition):
                compiled.append(condition)
            case .failure(let problem):
                failed = true
                error(at: positions(of: textNode).location(at: problem.start), problem.message)
            }
        }
        return failed ? nil : ConditionSet(compiled)
    }
}

/// The entries of a YAML mapping that passed key checks.
struct YAMLMapping {
    let node: Node
    let entries: [String: (key: Node, value: Node)]
    let order: [String]

    subscript(key: String) -> Node? { entries[key]?.value }

    func keyNode(_ key: String) -> Node? { entries[key]?.key }

    func has(_ key: String) -> Bool { entries[key] != nil }
}
