import Foundation
import Testing

@testable import NudgeCore

@Suite struct FrequencyCapsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    func sent(_ ago: TimeInterval, _ channel: Channel = .email) -> RecentMessage {
        RecentMessage(campaign: "c", step: "s", channel: channel, createdAt: now - ago)
    }

    func limits(_ perCustomer: [FrequencyCap], sms: [FrequencyCap] = []) -> FrequencyLimits {
        FrequencyLimits(perCustomer: perCustomer, perChannel: sms.isEmpty ? [:] : [.sms: sms])
    }

    @Test func roomInEveryWindowMeansNow() {
        let caps = limits([FrequencyCap(max: 1, per: day), FrequencyCap(max: 3, per: 7 * day)])
        #expect(FrequencyCaps.earliestAllowed(channel: .email, recent: [], limits: caps, now: now) == nil)
        #expect(
            FrequencyCaps.earliestAllowed(channel: .email, recent: [sent(day), sent(3 * day)], limits: caps, now: now)
                == nil)
        #expect(FrequencyCaps.earliestAllowed(channel: .email, recent: [sent(0)], limits: limits([]), now: now) == nil)
        #expect(FrequencyCaps.lookback(caps) == 7 * day)
    }

    @Test func aFullWindowWaitsUntilItsOldestMessageLeaves() {
        let caps = limits([FrequencyCap(max: 1, per: day), FrequencyCap(max: 3, per: 7 * day)])
        // One message 2 h ago: the daily cap is full until 22 h from now.
        #expect(
            FrequencyCaps.earliestAllowed(channel: .email, recent: [sent(2 * 3600)], limits: caps, now: now)
                == now + day - 2 * 3600)
        // Three this week (6, 4 and 2 days ago): room once the 6-day-old one is a week old, in 1 day.
        #expect(
            FrequencyCaps.earliestAllowed(
                channel: .email, recent: [sent(2 * day), sent(6 * day), sent(4 * day)], limits: caps, now: now)
                == now + day)
        // Both full: the later of the two.
        #expect(
            FrequencyCaps.earliestAllowed(
                channel: .email, recent: [sent(3600), sent(6 * day), sent(4 * day)], limits: caps, now: now)
                == now + day)
    }

    @Test func channelCapsCountOnlyTheirChannel() {
        let caps = limits([FrequencyCap(max: 5, per: day)], sms: [FrequencyCap(max: 2, per: 7 * day)])
        let recent = [sent(day * 5, .sms), sent(day, .sms), sent(3600, .email)]
        #expect(FrequencyCaps.earliestAllowed(channel: .sms, recent: recent, limits: caps, now: now) == now + 2 * day)
        #expect(FrequencyCaps.earliestAllowed(channel: .email, recent: recent, limits: caps, now: now) == nil)
    }

    @Test func aZeroCapNeverHasRoomAndFutureMessagesCountAsNow() {
        #expect(
            FrequencyCaps.earliestAllowed(
                channel: .email, recent: [], limits: limits([FrequencyCap(max: 0, per: day)]), now: now)
                == .distantFuture)
        let queuedAhead = RecentMessage(campaign: "c", step: "s", channel: .email, createdAt: now + 3600)
        #expect(
            FrequencyCaps.earliestAllowed(
                channel: .email, recent: [queuedAhead], limits: limits([FrequencyCap(max: 1, per: day)]), now: now)
                == now + day)
    }
}
