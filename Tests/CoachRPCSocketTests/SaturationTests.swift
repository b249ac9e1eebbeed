import CoachRPC
import CoachRPCSocket
import Foundation
import Testing

/// What bounds the work one client can cause: batch size, batch reply size, and the requests that
/// may run at once (counting work that outlived its deadline).
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SaturationTests {
    private func batch(_ count: Int, _ member: (Int) -> String) -> String {
        "[" + (0..<count).map(member).joined(separator: ",") + "]"
    }

    @Test func batchOverTheLimit_isRefusedWhole_andNoneOfItRuns() async throws {
        try await withServer({ $0.maxBatchRequests = 10 }) { server in
            let client = try server.connect()
            let refused = try await client.call(
                batch(11) { #"{"jsonrpc":"2.0","method":"record","params":{"tag":"t\#($0)"},"id":\#($0)}"# })?
                .jsonObject
            #expect(errorCode(refused) == -32600)
            #expect(refused?["id"] is NSNull)
            #expect(
                (refused?["error"] as? [String: Any])?["message"] as? String
                    == "Invalid Request: a batch of 11 requests; at most 10 are accepted, and none of these ran")
            #expect(server.dispatcher.records.isEmpty)
            let accepted = try await client.call(
                batch(10) { #"{"jsonrpc":"2.0","method":"record","params":{"tag":"t\#($0)"},"id":\#($0)}"# })?.jsonArray
            #expect(accepted?.count == 10)
            #expect(server.dispatcher.records.count == 10)
            #expect(server.logs.entries.contains { $0.message == "batch too large: refused" && $0.level == .notice })
        }
    }

    @Test func batchWhoseRepliesPassTheLimit_answersTheRestBusy_withoutRunningThem() async throws {
        try await withServer({ $0.maxBatchReplyBytes = 1000 }) { server in
            let client = try server.connect()
            let text = String(repeating: "x", count: 400)
            // Each echo's reply carries its 400-byte params back.
            let echoes = batch(6) { index in
                #"{"jsonrpc":"2.0","method":"echo","params":{"pad":"\#(text)"},"id":\#(index + 100)}"#
            }
            let replies = try #require(try await client.call(echoes)?.jsonArray)
            #expect(replies.count == 6)
            let answered = replies.prefix { $0["result"] != nil }.count
            #expect(answered == 3)  // 3 × ~430 bytes pass 1000; the other 3 are not run
            #expect(replies.dropFirst(answered).allSatisfy { errorName($0) == "Busy" && $0["id"] is Int })
        }
    }

    @Test func workPastItsDeadline_holdsItsPlace_andSaturationGivesBusy_notAQueue() async throws {
        try await withServer({
            // The test's uid is root or the server's own: no admin reserve in the gate for it.
            $0.isAdmin = { _ in false }
            $0.maxConnections = 2
            $0.requestTimeout = .milliseconds(100)
        }) { server in
            let client = try server.connect()
            // Two stubborn requests outlive their deadline and keep running: both places are taken.
            for id in 1...2 {
                let reply = try await client.call(
                    #"{"jsonrpc":"2.0","method":"stubborn","params":{"ms":1500},"id":\#(id)}"#)?.jsonObject
                #expect(errorName(reply) == "DeadlineExceeded")
            }
            let refused = try await client.call(#"{"jsonrpc":"2.0","method":"echo","id":3}"#)?.jsonObject
            #expect(errorName(refused) == "Busy")
            #expect(server.logs.entries.contains { $0.message == "saturated: request refused" })
            // Once the stubborn work ends, requests run again.
            var recovered = false
            for _ in 0..<100 where !recovered {
                let reply = try await client.call(#"{"jsonrpc":"2.0","method":"echo","id":4}"#)
                recovered = reply == #"{"jsonrpc":"2.0","result":{},"id":4}"#
                if !recovered { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(recovered)
        }
    }
}
