import Foundation
import Testing

@testable import NudgeCore

@Suite struct UnitsTests {
    @Test(arguments: [
        ("30s", 30.0), ("15m", 900), ("48h", 172_800), ("21d", 1_814_400), ("3w", 1_814_400), ("1h30m", 5400),
        ("0m", 0), ("1.5h", 5400),
    ])
    func durationsParse(_ text: String, _ seconds: Double) {
        #expect(DurationText.parse(text) == seconds)
    }

    @Test(arguments: ["", "5", "5y", "h", "3w2", "-1d", "1 d"])
    func badDurationsAreRejected(_ text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func durationsFormatShortest() {
        #expect(DurationText.format(1_814_400) == "3w")
        #expect(DurationText.format(864_000) == "10d")
        #expect(DurationText.format(5400) == "1h30m")
        #expect(DurationText.format(0) == "0s")
    }

    @Test func ratesParse() {
        #expect(Rate(parsing: "100/s") == Rate(count: 100, per: 1))
        #expect(Rate(parsing: "600/m")?.perSecond == 10)
        #expect(Rate(parsing: "5000/h") == Rate(count: 5000, per: 3600))
        #expect(Rate(parsing: "100") == nil)
        #expect(Rate(parsing: "0/s") == nil)
        #expect(Rate(parsing: "10/d") == nil)
    }

    @Test func timesOfDay() {
        #expect(TimeOfDay(parsing: "10:00") == TimeOfDay(hour: 10, minute: 0))
        #expect(TimeOfDay(parsing: "9:05")?.description == "09:05")
        for bad in ["24:00", "10:60", "10", "10:0", "ten:00", "10:00:00"] {
            #expect(TimeOfDay(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func quietHoursSpanningMidnight() throws {
        let night = try #require(QuietHours(parsing: "21:00-08:00"))
        #expect(night.contains(TimeOfDay(hour: 21, minute: 0)))
        #expect(night.contains(TimeOfDay(hour: 3, minute: 0)))
        #expect(!night.contains(TimeOfDay(hour: 8, minute: 0)))
        #expect(!night.contains(TimeOfDay(hour: 12, minute: 0)))
        let lunch = try #require(QuietHours(parsing: "12:00-13:30"))
        #expect(lunch.contains(TimeOfDay(hour: 13, minute: 0)))
        #expect(!lunch.contains(TimeOfDay(hour: 21, minute: 0)))
        #expect(QuietHours(parsing: "08:00-08:00") == nil)
    }

    @Test func listenAddresses() {
        #expect(ListenAddress(parsing: "127.0.0.1:8470") == ListenAddress(host: "127.0.0.1", port: 8470))
        #expect(ListenAddress(parsing: ":80") == ListenAddress(host: "0.0.0.0", port: 80))
        #expect(ListenAddress(parsing: "[::1]:8470")?.description == "[::1]:8470")
        #expect(ListenAddress(parsing: "localhost") == nil)
        #expect(ListenAddress(parsing: "x:70000") == nil)
    }

    @Test func localDateTimes() {
        #expect(LocalDateTime.parse("2026-11-27T09:00")?.hour == 9)
        #expect(LocalDateTime.parse("2026-11-27T09:00:30")?.second == 30)
        for bad in ["2026-02-30T09:00", "2026-11-27", "2026-11-27 09:00", "2026-13-01T00:00", "2026-11-27T9:00"] {
            #expect(LocalDateTime.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "triger", in: ["trigger", "steps"]) == "trigger")
        #expect(Suggestion.closest(to: "stpes", in: ["trigger", "steps"]) == "steps")
        #expect(Suggestion.closest(to: "banana", in: ["trigger", "steps"]) == nil)
    }

    @Test func scalarPositionsFollowBlockScalars() {
        let text = "where: |\n  a and\n    bé > 3\n"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        let value = "a and\n  bé > 3\n"
        let positions = ScalarPositions(
            value: value, start: SourcePosition(file: "f", line: 2, column: 1), lines: lines)
        let offset = value.unicodeScalars.distance(
            from: value.unicodeScalars.startIndex, to: value.unicodeScalars.firstIndex(of: ">")!)
        #expect(positions.location(at: offset) == SourcePosition(file: "f", line: 3, column: 8))
        #expect(positions.location(at: 0) == SourcePosition(file: "f", line: 2, column: 3))
    }

    @Test func templateTagsAreFound() {
        let tags = TemplateTagScanner.tags(
            in: "Chào {{customer.attributes.name}},\n{{! note }}{{#recommendations}}{{{name}}} {{money(price)}}{{/recommendations}}{{> footer}}{{^offer}}-{{/offer}}")
        #expect(tags.map(\.kind) == [.variable, .section, .variable, .variable, .sectionEnd, .partial, .invertedSection, .sectionEnd])
        #expect(tags[0].dotted == "customer.attributes.name")
        #expect(tags[0].line == 1 && tags[0].column == 8)
        #expect(tags[3].helper == "money" && tags[3].dotted == "price")
        #expect(tags[5].dotted == "footer")
        #expect(tags[1].line == 2)
    }
}
