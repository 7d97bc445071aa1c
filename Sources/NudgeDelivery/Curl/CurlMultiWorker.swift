import CCurl
import Foundation
import NudgeCore

/// The loop thread's side of `CurlMultiLoop`: owns the multi handle, the pool of easy handles and the transfers
/// in flight. Created, used and destroyed on that one thread, so it needs no lock of its own.
final class CurlMultiWorker {
    private let inbox: CurlInbox
    private let multi: UnsafeMutableRawPointer
    private var pool: CurlHandlePool
    /// Transfers in flight by easy handle; holding them here keeps their callback contexts alive.
    private var transfers: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// Every socket libcurl has open for this loop, in flight or cached.
    private let sockets = CurlSocketRegistry()
    /// Transfers running and waiting, per lane (a class, changed in place: its queue is never copied).
    private var lanes: [ObjectIdentifier: LaneState] = [:]
    /// Transfers started since the last `curl_multi_perform`, which must run before the loop sleeps.
    private var startedSincePerform = false

    private final class LaneState {
        /// The most transfers of the lane this thread runs at once.
        let limit: Int
        var running = 0
        var waiting = FIFO<CurlJob>()

        init(limit: Int) {
            self.limit = limit
        }
    }

    /// Whether a job submitted now could start at once: the jobs of a lane this thread runs at its limit wait
    /// for a running one to end. (A thread runs one slot of one lane, or only jobs without a lane.)
    private var hasRoom: Bool {
        lanes.values.allSatisfy { $0.running < $0.limit }
    }

    /// The longest `curl_multi_poll` sleeps when nothing happens; `perform` and `shutdown` wake it earlier.
    private static let pollMilliseconds: Int32 = 1000

    /// The thread's body: runs until the inbox closes, then fails what is in flight and frees everything.
    static func run(inbox: CurlInbox, options: CurlMultiLoop.Options) {
        CurlGlobal.initialize()
        guard let multi = curl_multi_init() else {
            for job in inbox.detach() { job.fail(.other, "libcurl could not create a multi handle") }
            inbox.markEnded()
            return
        }
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, options.cachedConnections)
        let worker = CurlMultiWorker(inbox: inbox, multi: multi, idleHandles: options.idleHandles)
        inbox.attach(multi)
        worker.loop()
        worker.stop()
        inbox.markEnded()
    }

    private init(inbox: CurlInbox, multi: UnsafeMutableRawPointer, idleHandles: Int) {
        self.inbox = inbox
        self.multi = multi
        pool = CurlHandlePool(capacity: idleHandles)
    }

    private func loop() {
        while true {
            let (jobs, closing) = inbox.take()
            if closing {
                for job in jobs { job.fail(.other, CurlMultiLoop.shutDownMessage) }
                return
            }
            for job in jobs { admit(job) }
            var running: Int32 = 0
            startedSincePerform = false
            _ = curl_multi_perform(multi, &running)
            collectFinished()
            // A transfer a lane started as another ended runs at once, not after the next poll; jobs that came while
            // there was room are taken before sleeping.
            if startedSincePerform || !inbox.maySleep(hasRoom: hasRoom) { continue }
            _ = curl_multi_poll(multi, nil, 0, Self.pollMilliseconds, nil)
        }
    }

    /// Starts a job, or queues it behind its lane's running transfers.
    private func admit(_ job: CurlJob) {
        guard let lane = job.request.lane else {
            start(job)
            return
        }
        let id = ObjectIdentifier(lane)
        let state = lanes[id] ?? LaneState(limit: lane.limit(forSlot: job.slot))
        lanes[id] = state
        if state.running >= state.limit {
            state.waiting.push(job)
            return
        }
        state.running += 1
        if !start(job) { laneFreed(lane) }
    }

    /// A transfer of `lane` ended (or never started): the next waiting one takes its place. (A worker runs one
    /// slot of a lane: every job of the lane it gets has the same slot.)
    private func laneFreed(_ lane: CurlLane) {
        let id = ObjectIdentifier(lane)
        guard let state = lanes[id] else { return }
        state.running -= 1
        while state.running < state.limit, let next = state.waiting.pop() {
            state.running += 1
            if !start(next) { state.running -= 1 }
        }
        if state.running == 0, state.waiting.isEmpty { lanes[id] = nil }
    }

    /// Sets a job's transfer up on a pooled handle and adds it to the multi handle; a job that cannot be set up
    /// is answered at once (and false returned).
    @discardableResult
    private func start(_ job: CurlJob) -> Bool {
        let setup = CurlHandleSetup(job.request)
        guard let (easy, isSetUp) = pool.take(for: setup) else {
            job.fail(.other, "libcurl could not create an easy handle")
            return false
        }
        let transfer = CurlTransfer(job: job, setup: setup)
        if let problem = CurlEasyConfiguration.apply(
            job.request, to: easy, isSetUp: isSetUp, transfer: transfer, sockets: sockets)
        {
            pool.give(back: easy, setUpFor: nil)
            job.fail(.other, problem)
            return false
        }
        let added = curl_multi_add_handle(multi, easy)
        guard added == CURLM_OK else {
            pool.give(back: easy, setUpFor: setup)
            job.fail(.other, "libcurl refused the transfer: " + String(cString: curl_multi_strerror(added)))
            return false
        }
        transfers[easy] = transfer
        startedSincePerform = true
        return true
    }

    /// Answers every transfer that ended since the last call.
    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            finish(easy, code: message.pointee.data.result)
        }
    }

    private func finish(_ easy: UnsafeMutableRawPointer, code: CURLcode) {
        guard let transfer = transfers.removeValue(forKey: easy) else { return }
        curl_multi_remove_handle(multi, easy)
        var replyCode = 0
        var connects = 0
        var microseconds: curl_off_t = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &replyCode)
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        _ = ccurl_easy_getinfo_offset(easy, CURLINFO_TOTAL_TIME_T, &microseconds)
        let result = CurlResultMapping.result(code: code, replyCode: replyCode, transfer: transfer)
        pool.give(back: easy, setUpFor: transfer.setup)
        inbox.count(transferOpening: connects)
        transfer.job.answer(
            CurlResponse(result: result, totalTime: TimeInterval(microseconds) / 1_000_000, newConnections: connects))
        if let lane = transfer.job.request.lane { laneFreed(lane) }
    }

    /// Fails the transfers in flight, then frees the handles and the multi handle.
    private func stop() {
        // Removing an SMTP transfer in flight, or closing a cached SMTP connection, makes libcurl send QUIT and
        // wait for the answer: as long as the transfer's timeout when the server hangs. With every socket shut
        // first, each wait ends at once; libcurl still closes the descriptors itself.
        sockets.shutDownAll()
        for (easy, transfer) in transfers {
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
            transfer.job.fail(.other, CurlMultiLoop.shutDownMessage)
        }
        transfers = [:]
        for state in lanes.values {
            while let job = state.waiting.pop() { job.fail(.other, CurlMultiLoop.shutDownMessage) }
        }
        lanes = [:]
        pool.drain()
        for job in inbox.detach() { job.fail(.other, CurlMultiLoop.shutDownMessage) }
        curl_multi_cleanup(multi)
    }
}
