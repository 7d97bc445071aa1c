import Testing

@testable import NudgeDelivery

@Suite("FIFO queue")
struct FIFOTests {
    @Test func itemsComeOutInOrderWhileTheQueueNeverEmpties() {
        var queue = FIFO<Int>()
        var expected = 0
        var next = 0
        // A backlog of 16 that never drains, as a busy lane's: storage must stay small and order kept.
        for _ in 0..<16 {
            queue.push(next)
            next += 1
        }
        for _ in 0..<10_000 {
            queue.push(next)
            next += 1
            #expect(queue.pop() == expected)
            expected += 1
            #expect(queue.count == 16)
        }
        while let item = queue.pop() {
            #expect(item == expected)
            expected += 1
        }
        #expect(expected == next)
        #expect(queue.isEmpty && queue.pop() == nil)
    }
}
