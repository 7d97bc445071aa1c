import Foundation
import Testing

@testable import NudgeCore

@Suite struct JourneyTimingTests {
    typealias F = JourneyFixtures

    // MARK: earliest

    @Test func earliestWithoutPreferredTimeIsTriggerPlusAfter() {
        let step = F.step(after: 3 * F.day)
        let triggered = F.date("2026-05-01T12:34:56+07:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.saigon)
                == F.date("2026-05-04T12:34:56+07:00"))
    }

    @Test func preferredTimeLaterTheSameLocalDay() {
        let step = F.step(after: F.day, at: "15:00")
        let triggered = F.date("2026-05-01T12:00:00+07:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.saigon)
                == F.date("2026-05-02T15:00:00+07:00"))
    }

    @Test func preferredTimeAlreadyPassedMovesToTheNextLocalDay() {
        let step = F.step(after: F.day, at: "10:00")
        let triggered = F.date("2026-05-01T12:00:00+07:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.saigon)
                == F.date("2026-05-03T10:00:00+07:00"))
    }

    @Test func preferredTimeExactlyAtTheEarliestMomentIsKept() {
        let step = F.step(after: 2 * F.hour, at: "10:00")
        let triggered = F.date("2026-05-01T08:00:00+07:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.saigon)
                == F.date("2026-05-01T10:00:00+07:00"))
    }

    @Test func preferredTimeIsReadInTheGivenZone() {
        let step = F.step(at: "10:00")
        let triggered = F.date("2026-06-01T00:00:00Z")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.saigon)
                == F.date("2026-06-01T10:00:00+07:00"))
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.berlin)
                == F.date("2026-06-01T10:00:00+02:00"))
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.newYork)
                == F.date("2026-06-01T10:00:00-04:00"))
    }

    @Test func preferredTimeAfterSpringForwardUsesTheNewOffset() {
        // Triggered in winter time; the preferred time falls on the morning after the clocks went forward.
        let step = F.step(after: 12 * F.hour, at: "10:00")
        let triggered = F.date("2026-03-07T12:00:00-05:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.newYork)
                == F.date("2026-03-08T10:00:00-04:00"))
    }

    @Test func weeksAfterCountElapsedTimeThenTheLocalTimeApplies() {
        // 3 weeks of elapsed time from 15:00 EST is 16:00 EDT; the next 10:00 is the following morning, in EDT.
        let step = F.step(after: 21 * F.day, at: "10:00")
        let triggered = F.date("2026-02-20T15:00:00-05:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.newYork)
                == F.date("2026-03-14T10:00:00-04:00"))
    }

    @Test func preferredTimeInTheSpringForwardGapIsTheFirstInstantAfterTheGap() {
        let step = F.step(at: "02:30")
        let triggered = F.date("2026-03-08T00:00:00-05:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.newYork)
                == F.date("2026-03-08T03:00:00-04:00"))
    }

    @Test func preferredTimeInTheGapAfterTheGapMovesToTheNextDay() {
        let step = F.step(at: "02:30")
        let triggered = F.date("2026-03-08T03:30:00-04:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.newYork)
                == F.date("2026-03-09T02:30:00-04:00"))
    }

    @Test func preferredTimeInTheBerlinGap() {
        let step = F.step(at: "02:15")
        let triggered = F.date("2026-03-28T22:00:00+01:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.berlin)
                == F.date("2026-03-29T03:00:00+02:00"))
    }

    @Test func preferredTimeAcrossBerlinSpringForward() {
        let step = F.step(at: "10:00")
        let triggered = F.date("2026-03-28T11:00:00+01:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.berlin)
                == F.date("2026-03-29T10:00:00+02:00"))
    }

    @Test func repeatedPreferredTimeOnFallBackIsTheFirstPass() {
        let step = F.step(at: "01:30")
        let triggered = F.date("2026-11-01T00:00:00-04:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.newYork)
                == F.date("2026-11-01T01:30:00-04:00"))
    }

    @Test func repeatedPreferredTimeBetweenThePassesIsTheSecondPass() {
        let step = F.step(at: "01:30")
        let triggered = F.date("2026-11-01T01:45:00-04:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.newYork)
                == F.date("2026-11-01T01:30:00-05:00"))
    }

    @Test func preferredTimeAfterFallBackUsesTheNewOffset() {
        let step = F.step(at: "10:00")
        let triggered = F.date("2026-10-31T12:00:00-04:00")
        #expect(
            StepTiming.earliest(step: step, triggeredAt: triggered, zone: F.newYork)
                == F.date("2026-11-01T10:00:00-05:00"))
    }

    // MARK: latest

    @Test func latestIsTriggerPlusBefore() {
        let triggered = F.date("2026-05-01T12:00:00Z")
        #expect(
            StepTiming.latest(step: F.step(before: 5 * F.day), triggeredAt: triggered) == F.date("2026-05-06T12:00:00Z")
        )
        #expect(StepTiming.latest(step: F.step(), triggeredAt: triggered) == nil)
    }

    // MARK: quiet hours

    @Test func noQuietHoursLeaveTheDateAlone() {
        let date = F.date("2026-05-01T23:00:00+07:00")
        #expect(StepTiming.outOfQuietHours(date, quiet: nil, zone: F.saigon) == date)
    }

    @Test(arguments: [
        ("2026-05-01T22:30:00+07:00", "2026-05-02T08:00:00+07:00"),  // evening: ends the next morning
        ("2026-05-01T21:00:00+07:00", "2026-05-02T08:00:00+07:00"),  // start is inclusive
        ("2026-05-01T23:59:59+07:00", "2026-05-02T08:00:00+07:00"),
        ("2026-05-02T00:00:00+07:00", "2026-05-02T08:00:00+07:00"),  // after midnight: ends the same morning
        ("2026-05-02T03:00:00+07:00", "2026-05-02T08:00:00+07:00"),
        ("2026-05-02T07:59:30+07:00", "2026-05-02T08:00:00+07:00"),
        ("2026-05-02T08:00:00+07:00", "2026-05-02T08:00:00+07:00"),  // end is exclusive
        ("2026-05-01T20:59:59+07:00", "2026-05-01T20:59:59+07:00"),
        ("2026-05-01T12:00:00+07:00", "2026-05-01T12:00:00+07:00"),
    ])
    func quietHoursSpanningMidnight(date: String, expected: String) {
        #expect(StepTiming.outOfQuietHours(F.date(date), quiet: F.nightQuiet, zone: F.saigon) == F.date(expected))
    }

    @Test(arguments: [
        ("2026-05-01T12:00:00+02:00", "2026-05-01T13:00:00+02:00"),
        ("2026-05-01T12:30:00+02:00", "2026-05-01T13:00:00+02:00"),
        ("2026-05-01T13:00:00+02:00", "2026-05-01T13:00:00+02:00"),
        ("2026-05-01T11:59:00+02:00", "2026-05-01T11:59:00+02:00"),
        ("2026-05-01T23:00:00+02:00", "2026-05-01T23:00:00+02:00"),
    ])
    func quietHoursWithinOneDay(date: String, expected: String) {
        #expect(StepTiming.outOfQuietHours(F.date(date), quiet: F.noonQuiet, zone: F.berlin) == F.date(expected))
    }

    @Test func quietHoursAreReadInTheCustomersZone() {
        let instant = F.date("2026-06-01T14:30:00Z")  // 21:30 in Saigon, 16:30 in Berlin, 10:30 in New York
        #expect(
            StepTiming.outOfQuietHours(instant, quiet: F.nightQuiet, zone: F.saigon)
                == F.date("2026-06-02T08:00:00+07:00"))
        #expect(StepTiming.outOfQuietHours(instant, quiet: F.nightQuiet, zone: F.berlin) == instant)
        #expect(StepTiming.outOfQuietHours(instant, quiet: F.nightQuiet, zone: F.newYork) == instant)
    }

    @Test func quietNightOverSpringForwardEndsAtLocalEightInTheNewOffset() {
        let date = F.date("2026-03-07T23:00:00-05:00")
        let end = StepTiming.outOfQuietHours(date, quiet: F.nightQuiet, zone: F.newYork)
        #expect(end == F.date("2026-03-08T08:00:00-04:00"))
        #expect(end.timeIntervalSince(date) == 8 * F.hour)  // a short night: nine wall-clock hours, eight elapsed
    }

    @Test func quietNightOverFallBackEndsAtLocalEightInTheNewOffset() {
        let date = F.date("2026-10-31T23:00:00-04:00")
        let end = StepTiming.outOfQuietHours(date, quiet: F.nightQuiet, zone: F.newYork)
        #expect(end == F.date("2026-11-01T08:00:00-05:00"))
        #expect(end.timeIntervalSince(date) == 10 * F.hour)
    }

    @Test func quietEndInTheSpringForwardGapIsTheFirstInstantAfterTheGap() {
        let quiet = QuietHours(start: F.time("22:00"), end: F.time("02:30"))
        let end = StepTiming.outOfQuietHours(F.date("2026-03-08T01:00:00-05:00"), quiet: quiet, zone: F.newYork)
        #expect(end == F.date("2026-03-08T03:00:00-04:00"))
    }

    @Test func quietEndInTheRepeatedHourIsTheNextPassOfIt() {
        let quiet = QuietHours(start: F.time("21:00"), end: F.time("01:30"))
        let firstPass = F.date("2026-11-01T01:10:00-04:00")
        let secondPass = F.date("2026-11-01T01:10:00-05:00")
        #expect(
            StepTiming.outOfQuietHours(firstPass, quiet: quiet, zone: F.newYork) == F.date("2026-11-01T01:30:00-04:00"))
        #expect(
            StepTiming.outOfQuietHours(secondPass, quiet: quiet, zone: F.newYork) == F.date("2026-11-01T01:30:00-05:00")
        )
    }

    // MARK: due

    @Test func dueAtTheEarliestTimeWhenThatIsOutsideQuietHours() {
        let step = F.step(after: F.day, before: 3 * F.day, at: "10:00")
        let triggered = F.date("2026-05-01T12:00:00+07:00")
        let due = StepTiming.due(
            step: step, triggeredAt: triggered, zone: F.saigon, quiet: F.nightQuiet, now: triggered)
        #expect(due == .at(F.date("2026-05-03T10:00:00+07:00")))
    }

    @Test func preferredTimeInQuietHoursMovesToTheEndOfThem() {
        let step = F.step(at: "22:00")
        let triggered = F.date("2026-05-01T12:00:00+07:00")
        let due = StepTiming.due(
            step: step, triggeredAt: triggered, zone: F.saigon, quiet: F.nightQuiet, now: triggered)
        #expect(due == .at(F.date("2026-05-02T08:00:00+07:00")))
    }

    @Test func stepsThatIgnoreQuietHoursKeepTheirTime() {
        let step = F.step(at: "22:00", ignoresQuietHours: true)
        let triggered = F.date("2026-05-01T12:00:00+07:00")
        let due = StepTiming.due(
            step: step, triggeredAt: triggered, zone: F.saigon, quiet: F.nightQuiet, now: triggered)
        #expect(due == .at(F.date("2026-05-01T22:00:00+07:00")))
    }

    @Test func windowMissedWhenQuietHoursEndAfterBefore() {
        let step = F.step(before: 6 * F.hour)
        let triggered = F.date("2026-05-01T21:30:00+07:00")  // latest 03:30, quiet until 08:00
        let due = StepTiming.due(
            step: step, triggeredAt: triggered, zone: F.saigon, quiet: F.nightQuiet, now: triggered)
        #expect(due == .windowMissed)
    }

    @Test func quietHoursEndingExactlyAtBeforeAreStillInTheWindow() {
        let step = F.step(before: 10 * F.hour)
        let triggered = F.date("2026-05-01T22:00:00+07:00")
        let due = StepTiming.due(
            step: step, triggeredAt: triggered, zone: F.saigon, quiet: F.nightQuiet, now: triggered)
        #expect(due == .at(F.date("2026-05-02T08:00:00+07:00")))
    }

    @Test func quietPeriodEndsTheNextDayWithinALongWindow() {
        let step = F.step(after: 2 * F.day, before: 5 * F.day, at: "23:00")
        let triggered = F.date("2026-05-01T09:00:00+02:00")
        let due = StepTiming.due(
            step: step, triggeredAt: triggered, zone: F.berlin, quiet: F.nightQuiet, now: triggered)
        #expect(due == .at(F.date("2026-05-04T08:00:00+02:00")))
    }

    @Test func backfilledTriggerIsDueNowNotAtTheNextPreferredTime() {
        // The event happened ten days ago; the step wanted 10:00 on day one. It is 15:00 now, inside the window.
        let step = F.step(after: F.day, before: 30 * F.day, at: "10:00")
        let triggered = F.date("2026-05-01T12:00:00+07:00")
        let now = F.date("2026-05-11T15:00:00+07:00")
        let due = StepTiming.due(step: step, triggeredAt: triggered, zone: F.saigon, quiet: F.nightQuiet, now: now)
        #expect(due == .at(now))
    }

    @Test func backfilledTriggerCaughtUpInQuietHoursWaitsForTheirEnd() {
        let step = F.step(after: F.day, before: 30 * F.day, at: "10:00")
        let triggered = F.date("2026-05-01T12:00:00+07:00")
        let now = F.date("2026-05-11T23:00:00+07:00")
        let due = StepTiming.due(step: step, triggeredAt: triggered, zone: F.saigon, quiet: F.nightQuiet, now: now)
        #expect(due == .at(F.date("2026-05-12T08:00:00+07:00")))
    }

    @Test func backfilledTriggerPastBeforeMissesTheWindow() {
        let step = F.step(after: F.day, before: 5 * F.day)
        let triggered = F.date("2026-05-01T12:00:00+07:00")
        let now = F.date("2026-05-11T15:00:00+07:00")
        let due = StepTiming.due(step: step, triggeredAt: triggered, zone: F.saigon, quiet: F.nightQuiet, now: now)
        #expect(due == .windowMissed)
    }

    @Test func noQuietHoursAndNoBeforeIsAlwaysDue() {
        let step = F.step(after: F.hour)
        let triggered = F.date("2026-05-01T23:00:00+07:00")
        let due = StepTiming.due(step: step, triggeredAt: triggered, zone: F.saigon, quiet: nil, now: triggered)
        #expect(due == .at(F.date("2026-05-02T00:00:00+07:00")))
    }
}
