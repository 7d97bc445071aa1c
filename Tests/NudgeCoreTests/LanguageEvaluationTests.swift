import Foundation
import Testing

@testable import NudgeCore

/// One condition, where it is written, the environment it runs in, and the value it must produce.
struct EvaluationCase: Sendable, CustomTestStringConvertible {
    enum Scope: String, Sendable {
        case stage, campaign

        var conditionScope: ConditionScope { self == .stage ? .stage : .campaign }
    }

    var source: String
    var expected: Value
    var environment: LanguageFixtures.Environment = .full
    var scope: Scope = .campaign

    var testDescription: String { "\(source)  [\(environment.rawValue), \(scope.rawValue)] → \(expected)" }

    static func yes(_ source: String, _ environment: LanguageFixtures.Environment = .full, _ scope: Scope = .campaign)
        -> Self
    {
        Self(source: source, expected: .bool(true), environment: environment, scope: scope)
    }

    static func no(_ source: String, _ environment: LanguageFixtures.Environment = .full, _ scope: Scope = .campaign)
        -> Self
    {
        Self(source: source, expected: .bool(false), environment: environment, scope: scope)
    }

    static func gives(
        _ source: String, _ expected: Value, _ environment: LanguageFixtures.Environment = .full,
        _ scope: Scope = .campaign
    ) -> Self {
        Self(source: source, expected: expected, environment: environment, scope: scope)
    }

    /// Compiles, evaluates twice, and checks the value and that `holds` agrees with it.
    func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let condition = LanguageFixtures.compiled(source, scope: scope.conditionScope) else { return }
        let roots = environment.roots
        let value = condition.value(in: roots, now: LanguageFixtures.now)
        #expect(value == expected, "\(source)", sourceLocation: sourceLocation)
        #expect(condition.value(in: roots, now: LanguageFixtures.now) == value, sourceLocation: sourceLocation)
        #expect(condition.holds(in: roots, now: LanguageFixtures.now) == value.isTrue, sourceLocation: sourceLocation)
        #expect(condition.source == source, sourceLocation: sourceLocation)
    }
}

extension EvaluationCase {
    static let literals: [Self] = [
        .yes("12 == 12"),
        .yes("0.8 == 0.80"),
        .yes(".5 == 0.5"),
        .yes("1_000_000 == 1000000"),
        .yes("1.0 == 1"),
        .yes("0 == -0"),
        .yes("\"text\" == 'text'"),
        .yes("\"\" == ''"),
        .yes(#"'it\'s' == "it's""#),
        .yes(#""say \"hi\"" == 'say "hi"'"#),
        .yes(#""a\\b".size() == 3"#),
        .yes(#"size("a\tb") == 3 and size("a\nb") == 3"#),
        .yes("true"),
        .no("false"),
        .yes("null == null"),
        .yes("[1, 2] == [1, 2]"),
        .yes("[1, 2] != [2, 1]"),
        .yes("[] == []"),
        .yes("[1, 2,] == [1, 2]"),
        .yes("[[1], [2, 3]] == [[1], [2, 3]]"),
        .yes("[1, \"a\", true, null] == [1, \"a\", true, null]"),
        .yes("[1, 2] != [1, 2, 3]"),
    ]

    static let arithmetic: [Self] = [
        .yes("1 + 2 == 3"),
        .yes("5 - 7 == -2"),
        .yes("6 * 7 == 42"),
        .yes("7 / 2 == 3.5"),
        .yes("-3 + 5 == 2"),
        .yes("- -4 == 4"),
        .yes("2 * -3 == -6"),
        .yes("-2 * -2 == 4"),
        .yes("10 - 2 - 3 == 5"),
        .yes("64 / 4 / 2 == 8"),
        .yes("\"Hà \" + \"Nội\" == \"Hà Nội\""),
        .yes("[1] + [2, 3] == [1, 2, 3]"),
        .yes("[] + [] == []"),
        .yes("customer.total_spent / customer.purchase_count == 1500000"),
        .yes("customer.purchase_count * 2 + 1 == 7"),
        .yes("event.items[0].price * event.items[0].quantity == 12000000"),
        // Division by zero and overflow give null, never a trap.
        .yes("1 / 0 == null"),
        .yes("0 / 0 == null"),
        .no("1 / 0 > 0"),
        .no("1 / 0 < 0"),
        .yes("-(1 / 0) == null"),
        .yes("(1 / 0) + 1 == null"),
        .yes("customer.purchase_count / customer.attributes.children == null"),
        .yes("customer.total_spent / (customer.purchase_count - 3) == null"),
        .yes("99999999999999999999 * 99999999999999999999 * 99999999999999999999 * 99999999999999999999"
            + " * 99999999999999999999 * 99999999999999999999 * 99999999999999999999 * 99999999999999999999"
            + " * 99999999999999999999 * 99999999999999999999 * 99999999999999999999 * 99999999999999999999"
            + " * 99999999999999999999 * 99999999999999999999 * 99999999999999999999 * 99999999999999999999 == null"),
    ]

    static let comparisons: [Self] = [
        .yes("1 < 2"),
        .no("2 < 1"),
        .yes("2 <= 2"),
        .no("3 <= 2"),
        .yes("3 > 2"),
        .no("2 > 2"),
        .yes("2 >= 2"),
        .no("1 >= 2"),
        .no("1 == 2"),
        .yes("1 != 2"),
        .no("1 != 1"),
        .yes("\"apple\" < \"banana\""),
        .yes("\"b\" >= \"a\""),
        .yes("true == true"),
        .yes("true != false"),
        .yes("30m < 1h"),
        .yes("1d >= 24h"),
        .yes("now > customer.signup_at"),
        .yes("customer.last_purchase_at < customer.stage_entered_at"),
        .yes("customer.attributes.score > 7 and customer.attributes.score < 8"),
        .yes("customer.plan != \"free\""),
        .yes("customer.consent == customer.consent"),
    ]

    static let logic: [Self] = [
        .yes("true and true"),
        .no("true and false"),
        .yes("false or true"),
        .no("false or false"),
        .no("not true"),
        .yes("not not true"),
        .yes("not not not false"),
        // Only `true` counts as true: null, numbers and text are not.
        .no("customer.attributes.missing and true"),
        .yes("customer.attributes.missing or true"),
        .yes("not customer.attributes.missing"),
        .no("customer.attributes.score or false"),
        .no("customer.attributes.tier and true"),
        .yes("not customer.attributes.tier"),
        .yes("customer.attributes.vip and customer.attributes.vip"),
        // `and` / `or` short-circuit, so a division by zero on the right is never reached.
        .no("false and 1 / 0 == null"),
        .yes("true or event.whatever > 1"),
        .gives("customer.attributes.vip", .bool(true)),
        .gives("customer.attributes.score", .number(7.5)),
        .gives("customer.attributes.missing", .null),
        .gives("event.coupon", .string("TET")),
        .gives("customer.attributes.vip", .null, .empty),
    ]

    static let durations: [Self] = [
        .yes("1s == 1s"),
        .yes("60s == 1m"),
        .yes("60m == 1h"),
        .yes("24h == 1d"),
        .yes("7d == 1w"),
        .yes("21d == 3w"),
        .no("21d > 3w"),
        .yes("30m < 48h"),
        .yes("1h30m == 90m"),
        .yes("1w2d == 9d"),
        .yes("1d12h == 36h"),
        .yes("1h30m15s == 5415s"),
        .yes("1.5h == 90m"),
        .yes(".5d == 12h"),
        .yes("0s == 0m"),
        .yes("2w + 3d == 17d"),
        .yes("1d - 1h == 23h"),
        .yes("2 * 1h == 2h"),
        .yes("1h * 2 == 120m"),
        .yes("1d / 2 == 12h"),
        .yes("1w / 1d == 7"),
        .yes("-1h < 0s"),
        .yes("-(1h) + 1h == 0s"),
        .yes("1h / 0 == null"),
        .yes("1h / 0s == null"),
        .yes("1_000s == 1000s"),
    ]

    static let times: [Self] = [
        .yes("now == now"),
        .yes("now + 1h > now"),
        .yes("now - 1d < now"),
        .yes("now + 1h - now == 1h"),
        .yes("now - (now - 3d) == 3d"),
        .yes("1h + now > now"),
        .yes("customer.last_purchase_at + 90d < now"),
        .yes("customer.last_purchase_at + 101d > now"),
        .yes("customer.trial_ends_at - now == 5d"),
        .yes("customer.signup_at - customer.first_purchase_at == -100d"),
        .yes("event.timestamp > now - 2h"),
        .yes("now - event.timestamp == 1h"),
        .yes("customer.last_purchase_at < now - 3w"),
        .yes("event.timestamp >= now - 48h"),
        .yes("now - 1w + 1w == now"),
    ]

    static let since: [Self] = [
        .yes("since(customer.last_purchase_at) == 100d"),
        .yes("since(customer.last_purchase_at) > 90d"),
        .no("since(customer.last_purchase_at) > 101d"),
        .yes("since(event.timestamp) < 2h"),
        .yes("since(customer.trial_ends_at) < 0s"),
        .yes("since(customer.trial_ends_at) == -5d"),
        .yes("since(now) == 0s"),
        .yes("since(now - 1w) == 7d"),
        .yes("since(customer.attributes.missing) == null"),
        .no("since(customer.attributes.missing) > 1d"),
        .no("since(customer.attributes.missing) < 1d"),
        .yes("since(customer.attributes.tier) == null"),
        .no("since(customer.last_purchase_at) > 1d", .empty, .stage),
        .yes("since(customer.signup_at) < 3h", .newcomer, .stage),
        // A macro variable called `now` shadows the name but not the clock since() uses.
        .yes("[1].exists(now, now == 1 and since(customer.last_purchase_at) == 100d)", .full, .stage),
        .yes("since(customer.last_purchase_at) == null", .newcomer, .stage),
    ]

    static let has: [Self] = [
        .yes("has(customer.attributes.vip)"),
        .no("has(customer.attributes.nickname)"),
        .no("has(customer.attributes.missing)"),
        .no("has(customer.attributes.missing.deeper)"),
        .yes("has(customer.purchase_count)"),
        .no("has(customer.last_purchase_at)", .newcomer),
        .yes("has(event.coupon)"),
        .no("has(event.items)", .newcomer),
        .yes("has(customer.usage.seats.ratio)"),
        .no("has(customer.usage.seats.ratio)", .newcomer),
        .yes("not has(customer.email)", .newcomer, .stage),
        .no("has(customer.id)", .empty, .stage),
        .yes("[customer.attributes].exists(x, has(x.y) == false)"),
    ]

    static let listMacros: [Self] = [
        .yes("event.items.exists(i, i.category == \"phone\")"),
        .no("event.items.exists(i, i.category == \"tablet\")"),
        .yes("event.items.all(i, i.price > 0)"),
        .no("event.items.all(i, i.category == \"phone\")"),
        .no("[].exists(x, x == 1)"),
        .yes("[].all(x, x == 1)"),
        .yes("[1, 2, 3].exists(n, n > 2)"),
        .yes("[1, 2, 3].all(n, n > 0)"),
        .no("[1, 2, 3].all(n, n > 1)"),
        .yes("event.items.exists(i, i.price * i.quantity > 10000000)"),
        .no("event.items.exists(i, i.sku in customer.owned_skus)"),
        .yes("event.items.all(i, i.sku not in customer.owned_skus)"),
        .no("event.items.all(i, has(i.cost))"),
        .yes("event.items.exists(i, has(i.cost))"),
        .yes("event.items.exists(i, i.name.size() > 5)"),
        .yes("[1, 2, 3].exists(x, x == 2 and [x].size() == 1)"),
        // Nested macros and shadowed variables.
        .yes("[[1, 2], [3]].exists(l, l.exists(n, n == 3))"),
        .yes("[[1, 2], [3]].all(l, l.exists(n, n > 1))"),
        .no("[[1, 2], [3]].all(l, l.all(n, n > 1))"),
        .yes("[1, 2].exists(x, [10, 20].exists(x, x == 20))"),
        .yes("[5].exists(x, [7].exists(x, x == 7) and x == 5)"),
        .yes("[1, 2].all(x, [10].all(x, x == 10) and x < 3)"),
        .yes("customer.owned_skus.exists(customer, customer == \"CASE-9\")"),
        .yes("[1].exists(now, now == 1)"),
        .yes("[1].exists(customer, customer == 1) and customer.purchase_count == 3"),
        .yes("[1].exists(x, true) and [2].exists(x, x == 2)"),
        .yes("event.items.exists(i, customer.owned_skus.exists(s, s != i.sku))"),
        // A missing list: exists is false, all is null (neither holds).
        .no("customer.attributes.missing.exists(x, x == 1)"),
        .gives("customer.attributes.missing.all(x, x == 1)", .null),
        .yes("not customer.attributes.missing.all(x, true)"),
        .no("event.items.exists(i, true)", .newcomer),
        .no("customer.owned_skus.exists(s, true)", .newcomer),
        .yes("customer.owned_skus.all(s, false)", .newcomer),
    ]

    static let sizes: [Self] = [
        .yes("size([]) == 0"),
        .yes("size([1, 2, 3]) == 3"),
        .yes("[1, 2].size() == 2"),
        .yes("size(\"\") == 0"),
        .yes("size(\"Điện thoại\") == 10"),
        .yes("\"Hà Nội\".size() == 6"),
        .yes("size(customer.attributes) == 9"),
        .yes("size(event.items) == 2"),
        .yes("event.items.size() == 2"),
        .yes("size(customer.owned_skus) == 0", .newcomer),
        .yes("size(customer.attributes.missing) == null"),
        .yes("size(customer.attributes.score) == null"),
        .yes("size([[1, 2], [3]][0]) == 2"),
        .yes("size(customer.usage) == 3"),
    ]

    static let membership: [Self] = [
        .yes("2 in [1, 2, 3]"),
        .no("4 in [1, 2, 3]"),
        .yes("4 not in [1, 2, 3]"),
        .no("2 not in [1, 2, 3]"),
        .no("1 in []"),
        .yes("\"PHONE-1\" in customer.owned_skus"),
        .yes("\"PHONE-2\" not in customer.owned_skus"),
        .yes("\"Nội\" in \"Hà Nội\""),
        .no("\"Hải\" in \"Hà Nội\""),
        .yes("\"\" in \"abc\""),
        .yes("\"\" in \"\""),
        .no("\"abc\" in \"\""),
        .yes("\"vip\" in customer.attributes"),
        .yes("\"nickname\" in customer.attributes"),
        .yes("\"missing\" not in customer.attributes"),
        .yes("\"seats\" in customer.usage"),
        .yes("[1] in [[1], [2]]"),
        .yes("null in [1, null]"),
        .no("\"a\" in customer.attributes.missing"),
        .yes("\"a\" not in customer.attributes.missing"),
        .yes("customer.attributes.city in [\"Hà Nội\", \"Đà Nẵng\"]"),
        .yes("customer.attributes.city not in [\"Hồ Chí Minh\"]"),
        .yes("event.coupon in [\"TET\", \"SALE\"]"),
        .yes("1 + 1 in [2]"),
        .yes("customer.attributes.tags.exists(t, t in [\"b2b\"])"),
        .yes("\"b2b\" in customer.attributes.tags"),
        .yes("\"PHONE\" in customer.owned_skus[0]"),
    ]

    static let precedence: [Self] = [
        .yes("true or true and false"),
        .no("(true or true) and false"),
        .yes("false and false or true"),
        .no("false and (false or true)"),
        .no("not false and false"),
        .yes("not (false and false)"),
        .yes("not 1 == 2"),
        .yes("not 1 > 2 and 2 > 1"),
        .yes("not 1 in [2]"),
        .yes("1 + 2 * 3 == 7"),
        .yes("(1 + 2) * 3 == 9"),
        .yes("10 - 4 - 3 == 3"),
        .yes("10 - (4 - 3) == 9"),
        .yes("12 / 4 * 3 == 9"),
        .yes("2 * 3 + 4 * 5 == 26"),
        .yes("-2 * 3 == -6"),
        .yes("- 2 + 5 == 3"),
        .yes("-[1, 2][0] == -1"),
        .yes("-customer.purchase_count == -3"),
        .yes("(1 < 2) == true"),
        .yes("(1 < 2) == (2 < 3)"),
        .yes("((((1)))) == 1"),
        .yes("1+2==3 and(4>3)or false"),
        .yes("  1 +\n 2\t== 3  "),
        .yes("customer.purchase_count > 0 and customer.purchase_count < 10 or false"),
    ]

    static let nulls: [Self] = [
        .yes("customer.attributes.missing == null"),
        .no("customer.attributes.missing != null"),
        .yes("customer.attributes.nickname == null"),
        .yes("null != 0 and null != \"\" and null != false and null != []"),
        .no("customer.attributes.missing < 1"),
        .no("customer.attributes.missing > 1"),
        .no("customer.attributes.missing <= 1"),
        .no("customer.attributes.missing >= 1"),
        .no("customer.attributes.missing == 0"),
        .no("customer.purchase_count > 0", .empty),
        .no("customer.purchase_count <= 0", .empty),
        .yes("not (customer.purchase_count > 0)", .empty),
        .yes("customer.attributes.missing + 1 == null"),
        .no("customer.attributes.missing * 2 > 0"),
        .yes("-customer.attributes.missing == null"),
        .yes("customer.attributes.missing.deeper.still == null"),
        .no("customer.usage.seats.ratio >= 0.9", .newcomer),
        .no("customer.usage.seats.ratio < 0.9", .newcomer),
        .no("customer.last_purchase_at + 30d > now", .newcomer),
        .yes("customer.last_purchase_at + 30d == null", .newcomer),
        .yes("event.total == null", .empty),
        .no("event.total > 0 or event.total <= 0", .empty),
        // Values of the wrong kind at run time behave like null.
        .no("customer.purchase_count > 0", .mistyped),
        .yes("customer.purchase_count + 1 == null", .mistyped),
        .no("since(customer.last_purchase_at) > 1d", .mistyped),
        .no("customer.owned_skus.exists(s, true)", .mistyped),
        .yes("size(customer.attributes) == 1", .mistyped),
        .no("event.items.exists(i, i.category == \"phone\")", .mistyped),
        .yes("customer.usage.seats.ratio == null", .mistyped),
        .gives("customer.consent.email", .null, .mistyped),
        .yes("event.total - 1 == null", .mistyped),
    ]

    static let indexing: [Self] = [
        .yes("[10, 20, 30][0] == 10"),
        .yes("[10, 20, 30][2] == 30"),
        .yes("[10, 20, 30][3] == null"),
        .yes("[10, 20, 30][-1] == 30"),
        .yes("[10, 20, 30][-3] == 10"),
        .yes("[10, 20, 30][-4] == null"),
        .yes("[10, 20, 30][1.5] == null"),
        .yes("[10, 20, 30][1.0] == 20"),
        .yes("[10][99999999999999999999] == null"),
        .yes("[10][-99999999999999999999] == null"),
        .yes("[10][1 / 0] == null"),
        .yes("[][0] == null"),
        .yes("[[1, 2], [3, 4]][1][0] == 3"),
        .yes("event.items[0].category == \"phone\""),
        .yes("event.items[-1].sku == \"CASE-1\""),
        .yes("event.items[1 + 0].quantity == 2"),
        .yes("customer.owned_skus[0] == \"PHONE-1\""),
        .yes("customer.owned_skus[0] == null", .newcomer),
        .yes("customer.attributes[\"city\"] == \"Hà Nội\""),
        .yes("customer.attributes[\"miss\"] == null"),
        .yes("customer[\"plan\"] == \"pro\""),
        .yes("customer.usage[\"seats\"].ratio > 0.9"),
        .yes("customer.attributes.tags[-1] == \"b2b\""),
        .yes("customer.attributes.tags[customer.attributes.missing] == null"),
    ]

    /// Conditions a marketer would write in campaigns/ and stages.yml (SPEC §3–§6).
    static let campaigns: [Self] = [
        .yes("event.type == \"purchase\" and event.items.exists(i, i.category == \"phone\")"),
        .yes("customer.purchase_count > 0 and since(customer.last_purchase_at) > 90d", .full, .stage),
        .no("customer.purchase_count > 0 and since(customer.last_purchase_at) > 90d", .newcomer, .stage),
        .no("customer.purchase_count > 0 and since(customer.last_purchase_at) > 90d", .empty, .stage),
        .yes("customer.usage.seats.ratio >= 0.9"),
        .no("customer.usage.storage.ratio >= 0.9"),
        .yes("customer.usage.max_ratio >= 0.9", .full, .stage),
        .yes("customer.plan == \"pro\" and customer.usage.max_ratio >= 0.8"),
        .no("customer.consent.sms and customer.phone != null"),
        .yes("customer.consent.email and has(customer.email)"),
        .yes("customer.attributes.country == \"VN\" and customer.attributes.city in [\"Hà Nội\", \"Hồ Chí Minh\"]"),
        .yes("customer.total_spent >= 1000000 and customer.complaints == 0"),
        .yes("since(customer.signup_at) < 1d and customer.purchase_count == 0", .newcomer, .stage),
        .yes("customer.trial_ends_at - now < 7d and customer.trial_ends_at > now"),
        .yes("event.type == \"plan_usage\" and event.used / event.limit >= 0.9", .newcomer),
        .yes(
            "event.metric == \"seats\" and (customer.usage.seats.ratio >= 0.9 or event.used / event.limit >= 0.9)",
            .newcomer),
        .yes("event.total >= 10000000 and event.currency == \"VND\""),
        .no("not event.items.exists(i, i.category == \"accessory\")"),
        .yes("customer.stage == \"active\" and since(customer.stage_entered_at) >= 30d", .full, .stage),
        .yes("event.items.exists(i, i.name == \"Điện thoại X\")"),
        .yes("\"PHONE-1\" in customer.owned_skus and not (\"CASE-1\" in customer.owned_skus)"),
        .yes("customer.attributes.tags.exists(t, t == \"b2b\")"),
        .yes("event.coupon == \"TET\" or customer.attributes.vip"),
        .yes("customer.locale == \"vi-VN\" and customer.timezone == \"Asia/Ho_Chi_Minh\""),
        .yes(
            "event.items.exists(i, i.category == \"phone\")"
                + " and not event.items.exists(i, i.sku in customer.owned_skus)"),
        .yes("customer.purchase_count >= 2 and customer.total_spent / customer.purchase_count > 1000000"),
        .no("customer.last_purchase_at > now - 30d", .full, .stage),
    ]

    static let vietnamese: [Self] = [
        .yes("\"Điện thoại\" == \"Điện thoại\""),
        .yes("\"Điện thoại\" != \"Dien thoai\""),
        .yes("\"thoại\" in \"Điện thoại\""),
        .yes("'Hà Nội' == \"Hà Nội\""),
        .yes("\"Hà\" + \" \" + \"Nội\" == customer.attributes.city"),
        .yes("\"Hà Nội\" < \"Hải Phòng\""),
        .yes("'Đà Nẵng' not in [\"Hà Nội\"]"),
        .yes("customer.attributes.favourite == \"Điện thoại\""),
        // The same text typed decomposed (combining marks) is still equal.
        .yes("\"Hà Nội\" == \"Ha\u{300} No\u{323}\u{302}i\""),
        .yes("customer.attributes.city in [\"Ha\u{300} No\u{323}\u{302}i\"]"),
        .yes("\"No\u{323}\u{302}i\" in customer.attributes.city"),
        .yes("size(\"Ha\u{300} No\u{323}\u{302}i\") == 6"),
        .yes("event.items.exists(i, \"thoại\" in i.name)"),
        .yes("[\"Ốp lưng\", \"Sạc\"].exists(n, event.items[1].name == n)"),
    ]

    static var all: [Self] {
        literals + arithmetic + comparisons + logic + durations + times + since + has + listMacros + sizes
            + membership + precedence + nulls + indexing + campaigns + vietnamese
    }
}

@Suite("Condition language: evaluation")
struct LanguageEvaluationTests {
    @Test("literals", arguments: EvaluationCase.literals)
    func literals(_ c: EvaluationCase) { c.check() }

    @Test("arithmetic, division by zero, overflow", arguments: EvaluationCase.arithmetic)
    func arithmetic(_ c: EvaluationCase) { c.check() }

    @Test("comparisons", arguments: EvaluationCase.comparisons)
    func comparisons(_ c: EvaluationCase) { c.check() }

    @Test("and, or, not and truthiness", arguments: EvaluationCase.logic)
    func logic(_ c: EvaluationCase) { c.check() }

    @Test("durations", arguments: EvaluationCase.durations)
    func durations(_ c: EvaluationCase) { c.check() }

    @Test("time arithmetic", arguments: EvaluationCase.times)
    func times(_ c: EvaluationCase) { c.check() }

    @Test("since() and now", arguments: EvaluationCase.since)
    func since(_ c: EvaluationCase) { c.check() }

    @Test("has()", arguments: EvaluationCase.has)
    func has(_ c: EvaluationCase) { c.check() }

    @Test("exists() and all()", arguments: EvaluationCase.listMacros)
    func listMacros(_ c: EvaluationCase) { c.check() }

    @Test("size()", arguments: EvaluationCase.sizes)
    func sizes(_ c: EvaluationCase) { c.check() }

    @Test("in and not in", arguments: EvaluationCase.membership)
    func membership(_ c: EvaluationCase) { c.check() }

    @Test("precedence and parentheses", arguments: EvaluationCase.precedence)
    func precedence(_ c: EvaluationCase) { c.check() }

    @Test("null semantics", arguments: EvaluationCase.nulls)
    func nulls(_ c: EvaluationCase) { c.check() }

    @Test("indexing", arguments: EvaluationCase.indexing)
    func indexing(_ c: EvaluationCase) { c.check() }

    @Test("campaign conditions", arguments: EvaluationCase.campaigns)
    func campaigns(_ c: EvaluationCase) { c.check() }

    @Test("Vietnamese text", arguments: EvaluationCase.vietnamese)
    func vietnamese(_ c: EvaluationCase) { c.check() }

    @Test("ConditionSet: all must hold, empty always holds")
    func conditionSet() {
        let conditions = ["customer.purchase_count > 0", "customer.usage.seats.ratio >= 0.9"].compactMap {
            LanguageFixtures.compiled($0, scope: .stage)
        }
        let roots = LanguageFixtures.Environment.full.roots
        #expect(ConditionSet(conditions).holds(in: roots, now: LanguageFixtures.now))
        #expect(!ConditionSet(conditions).holds(in: LanguageFixtures.Environment.newcomer.roots, now: LanguageFixtures.now))
        #expect(ConditionSet().holds(in: [:], now: LanguageFixtures.now))
    }

    @Test("there are enough table cases")
    func caseCount() {
        #expect(EvaluationCase.all.count + ErrorCase.all.count >= 150)
    }
}
