import Foundation
import Testing

@testable import NudgeCore

@Suite struct TokenBucketTests {
    static let t0 = Date(timeIntervalSince1970: 1_763_800_000)

    func at(_ seconds: TimeInterval) -> Date { Self.t0.addingTimeInterval(seconds) }

    /// Takes from `bucket`, requiring a refusal: the time it names.
    func refusal(_ bucket: inout TokenBucket, _ now: Date) throws -> Date {
        let next = bucket.take(now: now)
        return try #require(next)
    }

    @Test func capacityIsTheRatePerSecondRounded() throws {
        let cases: [(Rate, Double)] = [
            (Rate(count: 20, per: 1), 20), (Rate(count: 100, per: 1), 100), (Rate(count: 600, per: 60), 10),
            (Rate(count: 90, per: 60), 2), (Rate(count: 1, per: 60), 1), (Rate(count: 5000, per: 3600), 1),
            (Rate(count: 1, per: 3600), 1),
        ]
        for (rate, capacity) in cases {
            let bucket = try #require(TokenBucket(rate: rate))
            #expect(bucket.capacity == capacity, "\(rate)")
            #expect(bucket.refillPerSecond == rate.perSecond)
            #expect(bucket.tokens == capacity)
        }
        #expect(try #require(TokenBucket(rate: Rate(count: 1, per: 1), burst: 5)).capacity == 5)
    }

    @Test func invalidRatesHaveNoBucket() {
        #expect(TokenBucket(rate: Rate(count: 0, per: 1)) == nil)
        #expect(TokenBucket(rate: Rate(count: 5, per: 0)) == nil)
        #expect(TokenBucket(rate: Rate(count: -1, per: 1)) == nil)
        #expect(TokenBucket(rate: Rate(count: 5, per: 1), burst: 0) == nil)
    }

    @Test func burstThenTheRate() throws {
        var bucket = try #require(TokenBucket(rate: Rate(count: 20, per: 1)))
        for _ in 0..<20 { #expect(bucket.take(now: Self.t0) == nil) }
        let next = try refusal(&bucket, Self.t0)
        #expect(abs(next.timeIntervalSince(Self.t0) - 0.05) < 1e-6)
        // Refused takes take nothing: asking again names the same time.
        #expect(bucket.take(now: Self.t0) == next)
        #expect(bucket.take(now: at(0.049)).map { abs($0.timeIntervalSince(next)) < 1e-6 } == true)
        #expect(bucket.take(now: next) == nil)
        #expect(bucket.take(now: next) != nil)
    }

    @Test func takingAtTheNamedTimeAlwaysSucceeds() throws {
        // Floating point must not make the named time a hair too early, whatever the rate.
        for rate in [
            Rate(count: 100, per: 1), Rate(count: 7, per: 1), Rate(count: 600, per: 60), Rate(count: 5000, per: 3600),
        ] {
            var bucket = try #require(TokenBucket(rate: rate))
            var now = Self.t0
            for sent in 0..<1000 {
                if let later = bucket.take(now: now) {
                    #expect(later > now)
                    now = later
                    #expect(bucket.take(now: now) == nil, "\(rate): message \(sent) refused at the time named")
                }
            }
            // 1000 messages: the first `capacity` at once, the rest one interval apart.
            let expected = (1000 - bucket.capacity) / rate.perSecond
            #expect(abs(now.timeIntervalSince(Self.t0) - expected) < 1e-3, "\(rate)")
        }
    }

    @Test func oneAMinute() throws {
        var bucket = try #require(TokenBucket(rate: Rate(count: 1, per: 60)))
        #expect(bucket.take(now: Self.t0) == nil)
        let next = try refusal(&bucket, at(1))
        #expect(abs(next.timeIntervalSince(Self.t0) - 60) < 1e-6)
        #expect(bucket.take(now: at(59.9)) != nil)
        #expect(bucket.take(now: at(60)) == nil)
        #expect(bucket.take(now: at(60)) != nil)
        #expect(bucket.take(now: at(120)) == nil)
    }

    @Test func longIdleDoesNotExceedCapacity() throws {
        var bucket = try #require(TokenBucket(rate: Rate(count: 5, per: 1)))
        for _ in 0..<5 { #expect(bucket.take(now: Self.t0) == nil) }
        #expect(bucket.take(now: Self.t0) != nil)
        let dayLater = at(86_400)
        #expect(bucket.available(at: dayLater) == 5)
        for _ in 0..<5 { #expect(bucket.take(now: dayLater) == nil) }
        let next = try refusal(&bucket, dayLater)
        #expect(abs(next.timeIntervalSince(dayLater) - 0.2) < 1e-6)
    }

    @Test func partialRefill() throws {
        var bucket = try #require(TokenBucket(rate: Rate(count: 10, per: 1)))
        for _ in 0..<10 { #expect(bucket.take(now: Self.t0) == nil) }
        #expect(abs(bucket.available(at: at(0.35)) - 3.5) < 1e-5)
        for _ in 0..<3 { #expect(bucket.take(now: at(0.35)) == nil) }
        let next = try refusal(&bucket, at(0.35))
        #expect(abs(next.timeIntervalSince(Self.t0) - 0.4) < 1e-6)
    }

    @Test func availableDoesNotChangeTheBucket() throws {
        var bucket = try #require(TokenBucket(rate: Rate(count: 2, per: 1)))
        _ = bucket.take(now: Self.t0)
        let before = bucket
        _ = bucket.available(at: at(100))
        #expect(bucket == before)
    }

    @Test func aClockSteppingBackAddsNothing() throws {
        var bucket = try #require(TokenBucket(rate: Rate(count: 1, per: 1)))
        #expect(bucket.take(now: at(10)) == nil)
        // The clock steps back 5 s: no token, and none until a second after the last send.
        let earlier = try refusal(&bucket, at(5))
        #expect(abs(earlier.timeIntervalSince(at(11))) < 1e-6)
        #expect(bucket.updatedAt == at(10))
        // Back at the real time, the interval since the last send is counted once.
        #expect(bucket.take(now: at(10.5)) != nil)
        #expect(bucket.take(now: at(11)) == nil)
        #expect(bucket.take(now: at(11)) != nil)
    }
}
