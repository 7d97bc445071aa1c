import Foundation
import NudgeTesting
import Testing

@testable import NudgeCore

extension SplitMix64 {
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Generates condition texts: token soup, character soup, grammatical conditions and mutated real ones.
struct ConditionGenerator {
    enum Kind: String, CaseIterable, Sendable {
        case tokens, characters, grammar, mutations
    }

    var random: SplitMix64

    static let vocabulary: [String] = [
        "customer", "event", "now", "x", "i", "n", ".", "purchase_count", "last_purchase_at", "signup_at",
        "attributes", "city", "vip", "usage", "seats", "ratio", "max_ratio", "owned_skus", "items", "category",
        "price", "total", "timestamp", "tags", "plan", "consent", "email", "customer.attributes.",
        "customer.usage.seats.ratio", "event.items", "i.category", "exists", "all", "size", "has", "since",
        "exists(x,", "all(i,", ".size()", "size(", "has(", "since(", "[0]", "[-1]", "(", ")", "[", "]", ",",
        "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "not", "and", "or", "true",
        "false", "null", "0", "1", "-1", "2.5", ".5", "1_000", "0.0", "99999999999999999999",
        "99999999999999999999s", "1e5", "1.2.3", "30m", "48h", "21d", "3w", "1h30m", "0s", "5y", "1h30",
        "\"phone\"", "'Hà Nội'", "\"Điện thoại\"", "\"\"", "''", "\"", "'", "\\", "\"\\q\"", "\"a\\n\"",
        "=", "!", "&&", "||", "@", "#", "🙂", "\u{301}", "Đ", "ệ", "\u{0}", "\t", "\u{200D}", "\u{202E}",
    ]

    static let characters: [Character] = Array(
        "abcxyz_019 .,()[]+-*/<>=!&|\"'\\\t\nĐđệạờ🙂\u{301}\u{0}\u{FFFD}\u{200B}smhdwy@#$%^~`{}:;?")

    static let seeds: [String] = EvaluationCase.campaigns.map(\.source) + [
        "customer.attributes.city in [\"Hà Nội\", \"Đà Nẵng\"] and size(customer.owned_skus) > 0",
        "[1, 2, 3].exists(n, n > 2) or since(now - 1w) == 7d",
        "customer.owned_skus[-1] == \"CASE-9\" and customer[\"plan\"] != 'free'",
        "-(1 / 0) == null and not has(customer.attributes.nickname)",
    ]

    mutating func make(_ kind: Kind) -> String {
        switch kind {
        case .tokens: tokenSoup()
        case .characters: characterSoup()
        case .grammar: condition(depth: 1 + random.below(4))
        case .mutations: mutated(random.pick(Self.seeds))
        }
    }

    mutating func tokenSoup() -> String {
        (0..<(1 + random.below(14))).map { _ in random.pick(Self.vocabulary) + random.pick(["", " ", " ", " ", "  ", "\n"]) }
            .joined()
    }

    mutating func characterSoup() -> String {
        String((0..<random.below(24)).map { _ in random.pick(Self.characters) })
    }

    mutating func mutated(_ seed: String) -> String {
        var scalars = Array(seed.unicodeScalars)
        for _ in 0..<(1 + random.below(3)) {
            let at = random.below(scalars.count + 1)
            switch random.below(4) {
            case 0 where at < scalars.count: scalars.remove(at: at)
            case 1: scalars.insert(contentsOf: random.pick(Self.vocabulary).unicodeScalars, at: at)
            case 2: scalars.insert(contentsOf: String(random.pick(Self.characters)).unicodeScalars, at: at)
            default:
                let end = min(scalars.count, at + random.below(8))
                scalars.removeSubrange(at..<end)
            }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    // MARK: Grammatical conditions, most of which compile in the campaign scope.

    mutating func condition(depth: Int) -> String {
        switch random.below(depth <= 0 ? 4 : 11) {
        case 0: return "\(number(depth - 1)) \(random.pick(["==", "!=", "<", "<=", ">", ">="])) \(number(depth - 1))"
        case 1: return "\(text()) \(random.pick(["in", "not in"])) \(textContainer())"
        case 2:
            return random.pick([
                "true", "false", "customer.attributes.vip", "has(customer.attributes.vip)", "has(event.coupon)",
                "customer.consent.email", "customer.attributes.missing",
            ])
        case 3: return "\(time()) \(random.pick(["<", ">", "==", ">="])) \(time())"
        case 4: return "\(condition(depth: depth - 1)) and \(condition(depth: depth - 1))"
        case 5: return "\(condition(depth: depth - 1)) or \(condition(depth: depth - 1))"
        case 6: return random.chance(50) ? "not \(condition(depth: depth - 1))" : "(\(condition(depth: depth - 1)))"
        case 7:
            let macro = random.pick(["exists", "all"])
            switch random.below(3) {
            case 0:
                let test = random.pick([
                    "i.category == \"phone\"", "i.price > \(number(0))", "has(i.cost)", "i.sku in customer.owned_skus",
                    "\"thoại\" in i.name", "i.quantity * i.price >= event.total / 2",
                ])
                return "event.items.\(macro)(i, \(test))"
            case 1: return "[1, 2, 3].\(macro)(n, n \(random.pick(["<", ">", "=="])) \(number(0)))"
            default:
                let inner = random.pick(["x == 1", "x > 1", "n.size() == 2", "[x].exists(n, n == 2)"])
                return "[[1, 2], [3]].\(macro)(n, n.exists(x, \(inner)))"
            }
        case 8: return "since(\(time())) \(random.pick(["<", ">", "<=", ">="])) \(duration())"
        case 9: return "\(number(depth - 1)) \(random.pick(["==", "!="])) null"
        default: return "\(duration()) \(random.pick(["<", "==", ">"])) \(duration())"
        }
    }

    mutating func number(_ depth: Int) -> String {
        if depth > 0, random.chance(40) {
            if random.chance(20) { return "-\(number(depth - 1))" }
            return "(\(number(depth - 1)) \(random.pick(["+", "-", "*", "/"])) \(number(depth - 1)))"
        }
        return random.pick([
            "0", "1", "2.5", "-3", "1_000", "customer.purchase_count", "customer.usage.seats.ratio",
            "customer.usage.max_ratio", "event.total", "size(event.items)", "customer.owned_skus.size()",
            "[10, 20, 30][\(random.below(7) - 3)]", "customer.attributes.score", "event.items[0].price",
            "size(\"Điện thoại\")", "99999999999999999999", "since(customer.last_purchase_at) / 1d",
        ])
    }

    mutating func time() -> String {
        random.pick([
            "now", "customer.last_purchase_at", "event.timestamp", "customer.signup_at", "now - \(duration())",
            "customer.trial_ends_at + \(duration())", "customer.attributes.missing",
        ])
    }

    mutating func duration() -> String {
        switch random.below(4) {
        case 0: "\(duration()) * \(random.below(5))"
        case 1: "since(\(time()))"
        default: random.pick(["30m", "48h", "21d", "3w", "1h30m", "0s", "-1d", "1w / 0", "99999999999999999999s"])
        }
    }

    mutating func text() -> String {
        random.pick([
            "customer.attributes.city", "\"Hà Nội\"", "customer.plan", "event.items[0].category", "'phone'", "\"\"",
            "event.coupon",
        ])
    }

    mutating func textContainer() -> String {
        random.pick([
            "[\"Hà Nội\", \"Đà Nẵng\"]", "customer.owned_skus", "customer.attributes.tags", "\"Điện thoại\"",
            "customer.attributes", "[]", "event.items[0]",
        ])
    }
}

@Suite("Condition language: randomized inputs never crash")
struct LanguageFuzzTests {
    static let perKind = 6_000
    static let environments = LanguageFixtures.Environment.allCases.map(\.roots)

    struct Tally {
        var compiled = 0
        var problems: [String] = []

        mutating func problem(_ text: String) {
            if problems.count < 20 { problems.append(text) }
        }
    }

    @Test("compile and evaluate generated conditions", arguments: ConditionGenerator.Kind.allCases)
    func generated(_ kind: ConditionGenerator.Kind) {
        let seed = 0x5EED_0000 + UInt64(ConditionGenerator.Kind.allCases.firstIndex(of: kind)!)
        var generator = ConditionGenerator(random: SplitMix64(seed: seed))
        var tally = Tally()
        for _ in 0..<Self.perKind {
            let text = generator.make(kind)
            for scope in [ConditionScope.stage, .campaign] {
                Self.exercise(text, scope: scope, tally: &tally)
            }
        }
        #expect(tally.problems.isEmpty, "\(tally.problems.joined(separator: "\n"))")
        // Make sure the run also exercised the evaluator, not only the error paths.
        let minimum = [.grammar: Self.perKind, .mutations: Self.perKind / 10, .tokens: 10][kind] ?? 0
        #expect(tally.compiled >= minimum, "\(kind): only \(tally.compiled) compiled")
    }

    static func exercise(_ text: String, scope: ConditionScope, tally: inout Tally) {
        switch Condition.compile(text, scope: scope) {
        case .failure(let error):
            let count = text.unicodeScalars.count
            if !(0 <= error.start && error.start <= error.end && error.end <= count) {
                tally.problem("span \(error.start)..<\(error.end) outside 0...\(count) for \(text.debugDescription)")
            }
            if error.message.isEmpty { tally.problem("empty message for \(text.debugDescription)") }
        case .success(let condition):
            tally.compiled += 1
            for roots in environments {
                let first = condition.value(in: roots, now: LanguageFixtures.now)
                let second = condition.value(in: roots, now: LanguageFixtures.now)
                if first != second { tally.problem("\(text.debugDescription) gave \(first), then \(second)") }
                if condition.holds(in: roots, now: LanguageFixtures.now) != first.isTrue {
                    tally.problem("holds disagrees with value for \(text.debugDescription)")
                }
                _ = first.description
            }
        }
    }

    @Test("the generator is deterministic")
    func deterministic() {
        var a = ConditionGenerator(random: SplitMix64(seed: 42))
        var b = ConditionGenerator(random: SplitMix64(seed: 42))
        for kind in ConditionGenerator.Kind.allCases {
            #expect((0..<50).map { _ in a.make(kind) } == (0..<50).map { _ in b.make(kind) })
        }
    }
}
