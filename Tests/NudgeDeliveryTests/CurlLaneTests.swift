import Testing

@testable import NudgeDelivery

@Suite("curl lane")
struct CurlLaneTests {
    @Test func theLimitIsSharedOutAndWorkGoesToTheLeastLoadedThread() {
        let lane = CurlLane(limit: 5, threads: 2)
        #expect((lane.limit(forSlot: 0), lane.limit(forSlot: 1)) == (3, 2))
        // Five transfers fill both threads in proportion to their limits.
        let slots = (0..<5).map { _ in lane.assign() }
        #expect(slots.filter { $0 == 0 }.count == 3 && slots.filter { $0 == 1 }.count == 2)
        lane.finished(slot: 1)
        lane.finished(slot: 1)
        #expect(lane.assign() == 1)
        #expect(CurlLane(limit: 3, threads: 8).threads == 3)
        #expect(CurlLane(limit: 0, threads: 0).limit == 1)
    }
}
