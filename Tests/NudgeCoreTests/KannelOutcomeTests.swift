import Foundation
import Testing

@testable import NudgeCore

@Suite struct KannelOutcomeTests {
    func isRetryable(_ result: DeliveryResult) -> Bool {
        if case .failed(_, permanent: false, retryAfter: nil) = result { return true }
        return false
    }

    func error(of result: DeliveryResult) -> String? {
        if case .failed(let error, _, _) = result { return error }
        return nil
    }

    @Test func acceptedAndQueuedAreSent() {
        #expect(
            KannelOutcome.decide(GatewayReply(status: 202, text: "0: Accepted for delivery"))
                == .sent(providerID: "0: Accepted for delivery"))
        #expect(
            KannelOutcome.decide(GatewayReply(status: 202, text: "3: Queued for later delivery\n"))
                == .sent(providerID: "3: Queued for later delivery"))
        #expect(KannelOutcome.decide(GatewayReply(status: 200)) == .sent(providerID: nil))
    }

    @Test(arguments: [
        (403, "Not routable. Do not try again."), (403, "Authorization failed for sendsms"),
        (400, "Missing receiver number"), (400, "Sender missing and no global set, rejected"),
    ])
    func clientErrorsArePermanent(_ status: Int, _ body: String) {
        let result = KannelOutcome.decide(GatewayReply(status: status, text: body))
        guard case .failed(let error, permanent: true, retryAfter: nil) = result else {
            Issue.record("expected a permanent failure, got \(result)")
            return
        }
        #expect(error == "kannel refused the SMS (HTTP \(status)): \(body)")
    }

    @Test(arguments: [500, 502, 503, 504, 408, 429, 599, 600, 0, 101])
    func serverErrorsAreRetried(_ status: Int) {
        let result = KannelOutcome.decide(GatewayReply(status: status, text: "Temporal failure, try again later."))
        #expect(isRetryable(result))
        #expect(error(of: result)?.contains("HTTP \(status)") == true)
        #expect(error(of: result)?.contains("Temporal failure, try again later.") == true)
    }

    @Test func redirectIsPermanent() {
        let result = KannelOutcome.decide(GatewayReply(status: 302, headers: ["Location": "/elsewhere"]))
        guard case .failed(let error, permanent: true, _) = result else {
            Issue.record("expected a permanent failure, got \(result)")
            return
        }
        #expect(error.contains("HTTP 302"))
    }

    @Test(arguments: [
        GatewayFailure.connectionFailed("Failed to connect to 127.0.0.1 port 13013: Connection refused"),
        .timedOut("Operation timed out after 30000 milliseconds"), .tls("SSL certificate problem"),
        .dropped("Empty reply from server"), .other("weird"),
    ])
    func noAnswerIsRetried(_ failure: GatewayFailure) {
        let result = KannelOutcome.decide(failure)
        #expect(isRetryable(result))
        #expect(error(of: result)?.contains(failure.message) == true)
        #expect(KannelOutcome.decide(.failure(failure)) == result)
    }

    @Test func resultOverload() {
        #expect(
            KannelOutcome.decide(.success(GatewayReply(status: 202, text: "0: Accepted for delivery")))
                == .sent(providerID: "0: Accepted for delivery"))
    }

    // MARK: receipts

    @Test(arguments: [
        (1, ReceiptDecision.delivered), (9, .delivered),
        (2, .failed(reason: "the phone did not receive the SMS (Kannel report 2)")),
        (16, .failed(reason: "the SMS centre rejected the SMS (Kannel report 16)")),
        (4, .ignore(reason: "buffered by the SMS centre (Kannel report 4)")),
        (8, .ignore(reason: "handed to the SMS centre (Kannel report 8)")),
        (12, .ignore(reason: "buffered by the SMS centre (Kannel report 12)")),
        (0, .ignore(reason: "unknown Kannel report value 0")), (64, .ignore(reason: "unknown Kannel report value 64")),
    ])
    func receiptValues(_ status: Int, _ decision: ReceiptDecision) {
        #expect(KannelReceipt(key: "k", status: status).decision == decision)
    }

    @Test func failureReasonQuotesTheAnswer() {
        let receipt = KannelReceipt(key: "k", status: 2, answer: "id:1 stat:UNDELIV err:001")
        #expect(
            receipt.decision
                == .failed(reason: "the phone did not receive the SMS (Kannel report 2): id:1 stat:UNDELIV err:001"))
        // Both bits: failure wins over delivery.
        if case .failed = KannelReceipt(key: "k", status: 3).decision {} else { Issue.record("3 should fail") }
    }

    @Test func receiptQueries() throws {
        let receipt = try #require(KannelReceipt(query: "key=spring%2Fs1%2Fc-42%2F7&status=8&answer=ACK+ok"))
        #expect(receipt == KannelReceipt(key: "spring/s1/c-42/7", status: 8, answer: "ACK ok"))
        #expect(KannelReceipt(query: "key=k&status=1&answer=")?.answer == nil)
        #expect(KannelReceipt(query: "status=1") == nil)
        #expect(KannelReceipt(query: "key=&status=1") == nil)
        #expect(KannelReceipt(query: "key=k") == nil)
        #expect(KannelReceipt(query: "key=k&status=%d") == nil)  // an unfilled code
        #expect(KannelReceipt(query: "key=k&status=-1") == nil)
        #expect(KannelReceipt(query: "key=k&status=one") == nil)
        #expect(KannelReceipt(query: "key=%E1&status=1") == nil)
    }
}
